namespace Keel.Scenarios;

/// <summary>
/// A scenario kept out of the default run so that `./keel test` stays under 30 minutes on 2 cores; `./keel test --long`
/// (KEEL_TEST_LONG=1) runs it too. Only scenarios whose ground another default scenario also covers are marked so.
/// </summary>
public sealed class LongFactAttribute : FactAttribute
{
    public const string Variable = "KEEL_TEST_LONG";

    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"a long scenario: `./keel test --long` ({Variable}=1) runs it";
        }
    }
}
