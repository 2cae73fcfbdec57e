using System.Text.Json;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>`keel bench ha --quick` inside the suite: the report is produced and no acknowledged write is lost.</summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Bench_ha_quick_writes_its_report_and_loses_no_acknowledged_write()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var dir = Path.Combine(cluster.Layout.Home, "bench-out");
        var (code, stderr, stdout) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(8), "bench", "ha", "--quick", "--home", cluster.Layout.Home, "--out", dir);
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.Equal(0, code);

        Assert.True(File.Exists(Path.Combine(dir, "report.md")), "report.md is missing");
        Assert.Equal(2, Directory.GetFiles(dir, "*.svg").Length);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(0, r.GetProperty("acknowledged_lost").GetInt32()));
        Assert.All(runs, r => Assert.True(r.GetProperty("acknowledged_writes").GetInt32() > 0));

        // Published for the agents' page: any agent serves the report and its timelines.
        Assert.Contains("published the report for the agents' page", stdout, StringComparison.Ordinal);
        using var http = cluster.Spec.ApiClient(TimeSpan.FromSeconds(10));
        var api = cluster.Spec.ApiUrl(cluster.Spec.Members[^1]);
        using var reports = JsonDocument.Parse(await http.GetStringAsync($"{api}/ui/api/bench"));
        var ha = Assert.Single(reports.RootElement.EnumerateArray(), r => r.GetProperty("kind").GetString() == "ha");
        Assert.Equal(2, ha.GetProperty("timelines").GetArrayLength());
        Assert.Contains("# ", ha.GetProperty("markdown").GetString(), StringComparison.Ordinal);
        using var svg = await http.GetAsync($"{api}/ui/api/bench/ha/1.svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_ha_measures_a_cluster_named_by_etcd_with_the_operators_fault_commands()
    {
        // The playground stands in for a remote cluster: the benchmark is given only what an operator of another
        // deployment would give it (etcd, cluster name, endpoint, account, fault commands) and no --home.
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var spec = cluster.Spec;
        var dir = Path.Combine(cluster.Layout.Home, "remote-out");
        var passwordFile = Path.Combine(cluster.Layout.Home, "bench-password");
        Keel.Os.AtomicFile.WriteSecret(passwordFile, spec.AppPassword + "\n");
        string[] target = ["--etcd", string.Join(",", spec.EtcdUrls), "--cluster", spec.Cluster, "--rw", $"127.0.0.1:{spec.ReadWritePort}",
            "--user", spec.AppUser, "--password-file", passwordFile, "--database", spec.AppDatabase, "--tls-ca", Keel.Playground.PlaygroundTls.CaFile(cluster.Layout)];

        // etcd takes only clients with a certificate from the cluster's CA: an operator gives them as etcdctl's are given.
        var tls = spec.ClientTls!;
        var environment = new Dictionary<string, string> { ["KEEL_TLS_CA"] = tls.CaFile, ["KEEL_TLS_CERT"] = tls.CertFile!, ["KEEL_TLS_KEY"] = tls.KeyFile! };
        var (refused, refusal, _) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(2), environment, ["bench", "ha", .. target, "--cases", "replica agent kill"]);
        Assert.Equal(2, refused);
        Assert.Contains("cannot run replica agent kill: it needs --fault kill-agent=COMMAND", refusal, StringComparison.Ordinal);

        var (code, stderr, stdout) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(8), environment, ["bench", "ha", .. target,
            "--fault", "kill-server=kill -9 {server_pid}",
            "--cases", "primary mariadbd kill -9,planned switchover", "-n", "1", "--no-sysbench", "--out", dir]);
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.Equal(0, code);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(0, r.GetProperty("acknowledged_lost").GetInt32()));
        Assert.All(runs, r => Assert.True(r.GetProperty("primary_changed").GetBoolean()));
        // Detection and promotion come from the agents' GET /decisions, not from log files.
        var kill = runs.Single(r => r.GetProperty("case").GetString() == "primary mariadbd kill -9");
        Assert.Equal(JsonValueKind.Number, kill.GetProperty("detect_seconds").ValueKind);
        Assert.Equal(JsonValueKind.Number, kill.GetProperty("promote_seconds").ValueKind);
    }

    [LongFact] // 40 s; the soak benchmark itself is a long run (keel bench soak); its parts are covered by the steady and write-checker scenarios
    public async Task Bench_soak_runs_steady_load_and_reports_no_needless_failover_and_no_lost_write()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var before = (await cluster.ViewAsync()).Leader!.Name;
        var dir = Path.Combine(cluster.Layout.Home, "soak-out");
        var (code, stderr, stdout) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(5), "bench", "soak", "--duration", "25s", "--home", cluster.Layout.Home, "--out", dir);
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.Equal(0, code);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
        var r = json.RootElement;
        Assert.Equal(before, r.GetProperty("primary_at_start").GetString());
        Assert.Equal(before, r.GetProperty("primary_at_end").GetString());
        Assert.Empty(r.GetProperty("leader_changes").EnumerateArray());
        Assert.Equal(0, r.GetProperty("acknowledged_lost").GetInt32());
        Assert.True(r.GetProperty("acknowledged_writes").GetInt32() > 100);
        Assert.True(r.GetProperty("sysbench_phases").GetArrayLength() >= 1, "no sysbench phase completed");
        Assert.Contains("no needless failover in", await File.ReadAllTextAsync(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Bench_steady_measures_the_ha_path_and_semi_sync_as_ratios_and_leaves_semi_sync_on()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var dir = Path.Combine(cluster.Layout.Home, "steady-out");
        var seen = ProcessArguments.Start();
        var (code, stderr, stdout) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(5), "bench", "steady", "--seconds", "2", "--home", cluster.Layout.Home, "--out", dir);
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.Equal(0, code);
        var md = await File.ReadAllTextAsync(Path.Combine(dir, "report.md"));
        Assert.Contains("HA path keeps", md, StringComparison.Ordinal);
        Assert.Contains("semi-sync on keeps", md, StringComparison.Ordinal);
        var primary = (await cluster.ViewAsync()).Leader!.Name;
        Assert.Equal("1", (await cluster.RootQueryAsync(primary, "SELECT @@global.rpl_semi_sync_master_enabled")).Scalar());

        // No password and no token anywhere they could be read by others: process arguments (sysbench ran with the
        // application password, mariadb-binlog streams with the replication one), logs and other files, CLI output,
        // REST answers. The files that must hold them are 0600, the member directories 0700.
        await seen.DisposeAsync();
        var texts = new List<(string Where, string Text)> { ("keel bench steady's output", stdout + stderr) };
        texts.AddRange(seen.Seen.Select(a => ($"the arguments of `{a[..Math.Min(60, a.Length)]}`", a)));
        Assert.Contains(seen.Seen, a => a.Contains("sysbench", StringComparison.Ordinal) && a.Contains("--config-file=", StringComparison.Ordinal));
        Assert.Contains(seen.Seen, a => a.Contains("mariadbd", StringComparison.Ordinal));
        foreach (var command in new[] { new[] { "status" }, ["status", "--format", "json"], ["history"], ["doctor", "--format", "json"] })
        {
            var (_, err, text) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(2), [.. command, "--home", cluster.Layout.Home]);
            texts.Add(($"keel {string.Join(' ', command)}", text + err));
        }
        using var http = cluster.Spec.ApiClient(TimeSpan.FromSeconds(30));
        foreach (var m in (await cluster.ViewAsync()).Members.Values)
        {
            foreach (var path in new[] { "/cluster", "/decisions", "/health", "/primary", "/replica", "/metrics", "/doctor" })
            {
                using var response = await http.GetAsync(m.ApiUrl + path);
                texts.Add(($"GET {path} on {m.Name}", await response.Content.ReadAsStringAsync()));
            }
        }
        texts.AddRange(SecretSweep.OtherFiles(cluster.Layout, cluster.Spec));
        output.WriteLine($"searched {texts.Count} texts ({seen.Seen.Count} command lines) for {cluster.Spec.Secrets.Count} secrets");
        var leaks = SecretSweep.Leaks(texts, cluster.Spec.Secrets);
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        var files = SecretSweep.SecretFiles(cluster.Layout, cluster.Spec).ToList();
        Assert.Contains(cluster.Layout.ClientCnf, files);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.All(cluster.Spec.Members, m => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cluster.Layout.MemberDir(m.Name))));
    }
}
