namespace Keel.Core.Doctor;

/// <summary>How a doctor check came out: fine, worth a look, or something Keel cannot keep its promises with.</summary>
public enum Verdict
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One line of `keel doctor`: which member (or "cluster"), which check, the verdict and why, in one sentence.</summary>
public sealed record DoctorCheck(string Member, string Check, Verdict Verdict, string Detail);
