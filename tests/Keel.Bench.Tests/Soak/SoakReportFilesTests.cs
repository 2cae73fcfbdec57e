using Keel.Bench.Soak;

namespace Keel.Bench.Tests.Soak;

public class SoakReportFilesTests
{
    private static SoakReport Report(IReadOnlyList<LeaderChange>? changes = null, int lost = 0) => new(
        "test (2 cores)", new DateTimeOffset(2026, 11, 22, 7, 0, 0, TimeSpan.Zero), 3600, "m1", changes is { Count: > 0 } ? "m2" : "m1",
        changes ?? [], 180_000, 0, 0.042, 0, lost, 0, 1, 0,
        [new SysbenchFigures("oltp_read_write", 2, 60, 49.9, 998, 12.5, 0), new SysbenchFigures("oltp_read_write", 2, 60, 50.1, 1002, 14.1, 0)],
        0, []);

    [Fact]
    public void A_quiet_hour_reads_as_one_plain_sentence()
    {
        Assert.Equal("no needless failover in 60 min; longest write pause 0.04 s; 0 failed writes; 0 acknowledged writes lost; no split brain",
            SoakReportFiles.Conclusion(Report()));
    }

    [Fact]
    public void Leader_changes_and_lost_writes_are_loud_and_listed()
    {
        var report = Report([new LeaderChange(1234.5, "m1", "m2", "m2 now leads")], lost: 3);

        Assert.Equal(1, report.NeedlessFailovers);
        var md = SoakReportFiles.Markdown(report);
        Assert.Contains("1 needless leader change(s) in 60 min", md, StringComparison.Ordinal);
        Assert.Contains("3 ACKNOWLEDGED WRITES LOST", md, StringComparison.Ordinal);
        Assert.Contains("- at 1234.5 s: m1 -> m2 (m2 now leads)", md, StringComparison.Ordinal);
        Assert.Contains("| sysbench TPS min / median / max | 49.9 / 50.0 / 50.1 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_files_are_written_and_the_json_has_every_figure()
    {
        var dir = Path.Combine(Path.GetTempPath(), "keel-soak-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = SoakReportFiles.WriteAll(Report(), dir);

            Assert.Equal(["report.md", "report.json"], files.Select(Path.GetFileName));
            var json = File.ReadAllText(files[1]);
            Assert.Contains("\"needless_failovers\": 0", json, StringComparison.Ordinal);
            Assert.Contains("\"longest_write_pause_seconds\": 0.042", json, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
