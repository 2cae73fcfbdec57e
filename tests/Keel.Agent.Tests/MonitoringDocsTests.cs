using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keel.Agent.Ha;
using Keel.Agent.Metrics;
using Keel.Os;
using static Keel.Agent.Tests.Ticks;

namespace Keel.Agent.Tests;

/// <summary>
/// docs/monitoring: the alert rules pass promtool's check and unit tests (real promtool from Debian's prometheus), the
/// dashboard's queries parse as PromQL, and both name only series a real agent exports.
/// </summary>
public partial class MonitoringDocsTests
{
    private static readonly string Docs = Path.Combine(FindRepoRoot(), "docs", "monitoring");

    [Fact]
    public async Task The_alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        var (check, checkOut) = await PromtoolAsync(["check", "rules", "keel-alerts.yml"], Docs);
        Assert.True(check == 0, checkOut);
        var (test, testOut) = await PromtoolAsync(["test", "rules", "keel-alerts.test.yml"], Docs);
        Assert.True(test == 0, testOut);
        Assert.Contains("SUCCESS", testOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_dashboard_query_parses_as_promql()
    {
        var exprs = DashboardExpressions();
        Assert.True(exprs.Count >= 15, $"the dashboard has {exprs.Count} queries");
        // promtool parses expressions in a rules file; Grafana's variables get values first, as Grafana would.
        var dir = Keel.TestSupport.TestPaths.NewTempDir("dash");
        var rules = "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(exprs.Select((e, i) =>
            $"      - record: dashboard_query_{i}\n        expr: '{Concrete(e).Replace("'", "''", StringComparison.Ordinal)}'\n"));
        await File.WriteAllTextAsync(Path.Combine(dir, "dashboard-rules.yml"), rules);
        var (code, output) = await PromtoolAsync(["check", "rules", "dashboard-rules.yml"], dir);
        Assert.True(code == 0, output + "\n" + rules);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task The_dashboard_and_the_alerts_name_only_series_the_agent_exports()
    {
        var exported = await ExportedNamesAsync();
        var used = DashboardExpressions().Concat([File.ReadAllText(Path.Combine(Docs, "keel-alerts.yml"))])
            .SelectMany(e => SeriesName().Matches(e).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("keel_replication_lag_seconds", used);
        var unknown = used.Where(n => !exported.Contains(n)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, "not exported by the agent: " + string.Join(", ", unknown));
    }

    /// <summary>Every series name in a fully fed agent's /metrics text (histograms with their _bucket, _sum and _count).</summary>
    private static async Task<HashSet<string>> ExportedNamesAsync()
    {
        var metrics = new AgentMetrics("prod", "m1");
        var tick = Tick(writable: true, leader: "m1", Now.AddSeconds(9));
        tick = tick with { Snapshot = tick.Snapshot with { Local = tick.Snapshot.Local with { BinlogPosition = Keel.Core.Gtid.GtidPosition.Parse("0-1-5") } } };
        new AgentStatus { Metrics = metrics }.Update(tick with { Takeover = new Takeover(TakeoverKind.Failover, TimeSpan.FromSeconds(1)) });
        new AgentStatus { Metrics = metrics }.Update(tick with { Takeover = new Takeover(TakeoverKind.Switchover, TimeSpan.FromSeconds(1)) });
        metrics.ObserveTick(TimeSpan.FromMilliseconds(5));
        metrics.ObserveEtcd("get", TimeSpan.FromMilliseconds(1), failed: true);
        metrics.CloneProgress(1, 2);
        metrics.BackupProgress(1, 2);
        metrics.LastBackup(Now, succeeded: true);
        using var stream = new MemoryStream();
        await metrics.ExportAsync(stream, CancellationToken.None);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        var names = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('{', ' ')[0]).ToHashSet(StringComparer.Ordinal);
        // The disk series appears once the disk guard has measured a filesystem; the tick here has none.
        names.Add("keel_disk_free_ratio");
        names.Add("keel_failover_blocked");
        return names;
    }

    private static List<string> DashboardExpressions()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Docs, "keel-dashboard.json")));
        return doc.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
    }

    private static string Concrete(string expr) => expr
        .Replace("$cluster", "prod", StringComparison.Ordinal)
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "1h", StringComparison.Ordinal);

    private static async Task<(int Code, string Output)> PromtoolAsync(string[] args, string workingDirectory)
    {
        var psi = ExternalPrograms.StartInfo("promtool", args);
        psi.WorkingDirectory = workingDirectory;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "programs.tsv")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no programs.tsv above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\b(?:keel|process)_[a-z_]+\b")]
    private static partial Regex SeriesName();
}
