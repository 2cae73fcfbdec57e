using Keel.Bench.Reports;
using Keel.TestSupport;

namespace Keel.Bench.Tests.Reports;

public sealed class ReportFilesTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("report");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Writes_markdown_json_and_one_timeline_per_run()
    {
        var report = SampleRuns.Report();
        var target = Path.Combine(_dir, "out");

        var paths = ReportFiles.WriteAll(report, target);

        Assert.Equal(2 + report.Runs.Count, paths.Count);
        Assert.All(paths, p => Assert.True(File.Exists(p), p));
        Assert.Equal(
            ["report.md", "report.json",
             "timeline-primary-crash-1.svg", "timeline-primary-crash-2.svg", "timeline-primary-crash-3.svg",
             "timeline-primary-crash-4.svg", "timeline-primary-crash-5.svg",
             "timeline-replica-crash-1.svg", "timeline-replica-crash-2.svg"],
            paths.Select(Path.GetFileName));
        Assert.Equal(MarkdownReport.Write(report), File.ReadAllText(paths[0]));
        Assert.NotEqual(0xEF, File.ReadAllBytes(paths[1])[0]); // no BOM
        Assert.Equal(report.Runs.Count, JsonReport.Read(File.ReadAllText(paths[1])).Runs.Count);
    }

    [Fact]
    public void Runs_that_would_share_a_file_name_do_not_overwrite_each_other()
    {
        var report = new BenchReport("m", SampleRuns.StartedAt,
            [
                SampleRuns.Failover(1, 0.4, load: "light"),
                SampleRuns.Failover(1, 0.4, load: "heavy"),
                SampleRuns.Failover(1, 0.4, caseName: "Primary Crash!", load: "heavy"),
            ], []);

        var names = ReportFiles.WriteAll(report, _dir).Skip(2).Select(p => Path.GetFileName(p)).ToArray();

        Assert.Equal(["timeline-primary-crash-light-1.svg", "timeline-primary-crash-heavy-1.svg", "timeline-primary-crash-heavy-1-2.svg"], names);
    }

    [Theory]
    [InlineData("Primary crash (kill -9)", "primary-crash-kill-9")]
    [InlineData("  network partition: primary ↔ etcd ", "network-partition-primary-etcd")]
    [InlineData("→", "case")]
    public void Case_names_become_file_name_slugs(string name, string slug) => Assert.Equal(slug, Slug.Of(name));
}
