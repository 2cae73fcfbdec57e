using static System.FormattableString;

namespace Keel.Bench.Reports;

/// <summary>
/// The one sentence an operator reads about a fault case: did it fail over, how fast, and — above all — was
/// anything acknowledged lost or was there ever a second writable primary.
/// </summary>
public static class CaseConclusion
{
    /// <param name="runs">The repetitions of one case.</param>
    /// <param name="loud">
    /// Wraps the clauses nobody may skim past (lost writes, split brain); Markdown makes them bold.
    /// They are upper case already, so the identity is fine for plain text.
    /// </param>
    public static string For(IReadOnlyList<FaultRun> runs, Func<string, string>? loud = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        loud ??= s => s;
        var n = runs.Count;
        var parts = new List<string>();
        var failovers = runs.Where(r => r.PrimaryChanged).ToList();

        if (failovers.Count == 0)
        {
            parts.Add("no failover");
            parts.Add(FailedWrites(runs));
        }
        else
        {
            var prefix = failovers.Count < n ? Invariant($"failover in {failovers.Count} of {n} runs; ") : "";
            var writable = ReportFigures.Summarize(failovers.Select(r => r.TimeToWritableSeconds));
            if (writable is null)
            {
                parts.Add(prefix + loud("NEW PRIMARY NEVER BECAME WRITABLE"));
            }
            else
            {
                parts.Add(Invariant($"{prefix}new primary writable in {ReportNumbers.Seconds(writable.Median)} s (median of {writable.Count})"));
                if (writable.Count < failovers.Count)
                    parts.Add(loud(Invariant($"NEW PRIMARY NEVER WRITABLE in {failovers.Count - writable.Count} of {failovers.Count} runs")));
            }

            var rejoined = failovers.Count(r => r.RejoinSeconds is not null);
            parts.Add(rejoined == failovers.Count ? "old primary rejoined as replica"
                : rejoined == 0 ? "old primary did not rejoin"
                : Invariant($"old primary rejoined as replica in {rejoined} of {failovers.Count} runs"));
        }

        var lost = runs.Sum(r => r.AcknowledgedLost);
        if (lost == 0)
            parts.Add("0 acknowledged writes lost");
        else
        {
            var shout = loud(Invariant($"LOST {lost} ACKNOWLEDGED {Plural(lost, "WRITE", "WRITES")}"));
            parts.Add(Invariant($"{shout} in {runs.Count(r => r.AcknowledgedLost > 0)} of {n} runs"));
        }

        var windows = runs.Sum(r => r.SplitBrainWindows);
        if (windows > 0)
            parts.Add(Invariant($"{loud("SPLIT BRAIN")} in {runs.Count(r => r.SplitBrainWindows > 0)} of {n} runs ({windows} {Plural(windows, "window", "windows")})"));
        else if (failovers.Count > 0)
            parts.Add("no split brain"); // only worth saying where a second primary was possible

        return string.Join("; ", parts);
    }

    private static string FailedWrites(IReadOnlyList<FaultRun> runs)
    {
        var min = runs.Min(r => r.FailedWrites);
        var max = runs.Max(r => r.FailedWrites);
        if (min == max)
            return $"{ReportNumbers.Integer(min)} failed {Plural(min, "write", "writes")}";
        var median = ReportFigures.Summarize(runs.Select(r => (double?)r.FailedWrites))!.Median;
        return $"{ReportNumbers.Integer(min)} to {ReportNumbers.Integer(max)} failed writes per run (median {ReportNumbers.Count(median)})";
    }

    private static string Plural(int count, string one, string many) => count == 1 ? one : many;
}
