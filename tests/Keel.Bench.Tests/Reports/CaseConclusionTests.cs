using Keel.Bench.Reports;

namespace Keel.Bench.Tests.Reports;

public class CaseConclusionTests
{
    [Fact]
    public void A_clean_failover_reads_as_one_plain_sentence()
    {
        var runs = new[] { 0.45, 0.41, 0.38, 0.52, 0.40 }.Select((w, i) => SampleRuns.Failover(i + 1, w)).ToArray();

        Assert.Equal(
            "new primary writable in 0.41 s (median of 5); old primary rejoined as replica; 0 acknowledged writes lost; no split brain",
            CaseConclusion.For(runs));
    }

    [Fact]
    public void A_case_without_failover_says_so()
    {
        Assert.Equal("no failover; 0 failed writes; 0 acknowledged writes lost",
            CaseConclusion.For([SampleRuns.NoFailover(1), SampleRuns.NoFailover(2)]));
        Assert.Equal("no failover; 1 failed write; 0 acknowledged writes lost",
            CaseConclusion.For([SampleRuns.NoFailover(1, failed: 1)]));
        Assert.Equal("no failover; 0 to 4 failed writes per run (median 1); 0 acknowledged writes lost",
            CaseConclusion.For([SampleRuns.NoFailover(1), SampleRuns.NoFailover(2, failed: 1), SampleRuns.NoFailover(3, failed: 4)]));
    }

    [Fact]
    public void Lost_writes_and_split_brain_are_loud()
    {
        var runs = new[] { SampleRuns.Failover(1, 0.4), SampleRuns.Failover(2, 0.5, lost: 3, splitBrain: 2) };

        var text = CaseConclusion.For(runs, s => $"**{s}**");

        Assert.Contains("**LOST 3 ACKNOWLEDGED WRITES** in 1 of 2 runs", text, StringComparison.Ordinal);
        Assert.Contains("**SPLIT BRAIN** in 1 of 2 runs (2 windows)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0 acknowledged writes lost", text, StringComparison.Ordinal);
        Assert.DoesNotContain("no split brain", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Partial_failovers_and_rejoins_are_counted()
    {
        var runs = new[]
        {
            SampleRuns.Failover(1, 0.4),
            SampleRuns.Failover(2, 0.6, rejoin: null),
            SampleRuns.NoFailover(3) with { Case = "primary crash" },
        };

        Assert.Equal(
            "failover in 2 of 3 runs; new primary writable in 0.50 s (median of 2); old primary rejoined as replica in 1 of 2 runs; 0 acknowledged writes lost; no split brain",
            CaseConclusion.For(runs));
    }

    [Fact]
    public void A_primary_that_never_became_writable_is_loud()
    {
        var run = SampleRuns.Failover(1, 0.4) with { TimeToWritableSeconds = null };

        Assert.StartsWith("NEW PRIMARY NEVER BECAME WRITABLE;", CaseConclusion.For([run]), StringComparison.Ordinal);
    }
}
