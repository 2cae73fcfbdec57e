using Keel.Bench.Reports;

namespace Keel.Bench.Tests.Reports;

public class MarkdownReportTests
{
    private static readonly string Md = MarkdownReport.Write(SampleRuns.Report());

    [Fact]
    public void Header_names_the_machine_and_the_date_in_utc()
    {
        Assert.StartsWith("# Keel HA benchmark\n", Md, StringComparison.Ordinal);
        Assert.Contains("- machine: bench-01 (8 vCPU, 16 GiB)\n", Md, StringComparison.Ordinal);
        Assert.Contains("- started: 2025-03-14 08:26:53 UTC\n", Md, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_case_has_a_conclusion_row()
    {
        Assert.Contains("| case | load | conclusion |\n", Md, StringComparison.Ordinal);
        Assert.Contains("| primary crash | write checker + oltp_write_only | new primary writable in 0.41 s (median of 5); "
            + "old primary rejoined as replica; 0 acknowledged writes lost; no split brain |\n", Md, StringComparison.Ordinal);
        Assert.Contains("| replica crash | write checker | no failover; 0 failed writes; 0 acknowledged writes lost |\n",
            Md, StringComparison.Ordinal);
    }

    [Fact]
    public void Figures_tables_have_units_and_the_four_statistics()
    {
        Assert.Contains("| figure | min | median | p95 | max |\n", Md, StringComparison.Ordinal);
        Assert.Contains("| time to writable (s) | 0.38 | 0.41 | 0.52 | 0.52 |\n", Md, StringComparison.Ordinal);
        Assert.Contains("| sysbench TPS before (TPS) | 1200 | 1200 | 1200 | 1200 |\n", Md, StringComparison.Ordinal);
        Assert.Contains("| sysbench p95 latency after (ms) | 15.2 | 15.2 | 15.2 | 15.2 |\n", Md, StringComparison.Ordinal);
        Assert.Contains("| failed writes | 12 | 12 | 12 | 12 |\n", Md, StringComparison.Ordinal);
        Assert.Contains("No value in any run: time to detect, time to promote, time to writable, time to rejoin,", Md, StringComparison.Ordinal);
    }

    [Fact]
    public void Figures_link_each_runs_timeline() =>
        Assert.Contains("5 runs; timelines: [1](timeline-primary-crash-1.svg), [2](timeline-primary-crash-2.svg),", Md, StringComparison.Ordinal);

    [Fact]
    public void Steady_state_has_its_table_and_both_ratios()
    {
        Assert.Contains("| name | TPS | p95 ms |\n", Md, StringComparison.Ordinal);
        Assert.Contains("| through read-write endpoint | 1245 | 13.1 |\n", Md, StringComparison.Ordinal);
        Assert.Contains("- HA path keeps 83 % of direct TPS (p95 13.1 ms vs 12.0 ms)\n", Md, StringComparison.Ordinal);
        Assert.Contains("- semi-sync on keeps 74 % of semi-sync off TPS (p95 16.4 ms vs 12.0 ms)\n", Md, StringComparison.Ordinal);
    }

    [Fact]
    public void Ratios_need_both_measurements()
    {
        var report = SampleRuns.Report() with { Steady = [new SteadyState("direct to primary", SampleRuns.Sysbench(1500, 12))] };

        Assert.DoesNotContain("keeps", MarkdownReport.Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Lost_writes_are_bold_capitals_in_the_table()
    {
        var report = SampleRuns.Report() with { Runs = [SampleRuns.Failover(1, 0.4, lost: 7)] };

        Assert.Contains("**LOST 7 ACKNOWLEDGED WRITES** in 1 of 1 runs", MarkdownReport.Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipes_in_names_do_not_break_the_table()
    {
        var report = SampleRuns.Report() with { Runs = [SampleRuns.NoFailover(1, caseName: "kill | restart")] };

        Assert.Contains("| kill \\| restart | write checker |", MarkdownReport.Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_report_still_renders()
    {
        var md = MarkdownReport.Write(new BenchReport("m", SampleRuns.StartedAt, [], []));

        Assert.Contains("No fault runs.", md, StringComparison.Ordinal);
        Assert.Contains("No steady-state measurements.", md, StringComparison.Ordinal);
    }
}
