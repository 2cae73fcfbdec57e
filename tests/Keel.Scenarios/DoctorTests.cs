using System.Text.Json;
using Keel.Network;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>`keel doctor` against real servers: a clean playground passes, and each check fails on a fixture made for it.</summary>
public sealed class DoctorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    private sealed record Row(string Member, string Check, string Verdict, string Detail);

    private async Task<(int Code, IReadOnlyList<Row> Rows)> DoctorAsync(PlaygroundCluster cluster, params string[] extra)
    {
        var (code, err, json) = await KeelProcess.RunAsync(Generous, ["doctor", "--home", cluster.Layout.Home, "--format", "json", .. extra]);
        var rows = JsonSerializer.Deserialize<List<Row>>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidOperationException($"keel doctor printed no JSON: {err}");
        foreach (var r in rows.Where(r => r.Verdict != "PASS"))
        {
            output.WriteLine($"{r.Verdict} {r.Member} {r.Check}: {r.Detail}");
        }
        return (code, rows);
    }

    private static void AssertVerdict(IReadOnlyList<Row> rows, string member, string check, string verdict, string text)
    {
        var row = rows.SingleOrDefault(r => r.Member == member && r.Check == check);
        Assert.True(row is not null, $"no '{check}' row for {member}");
        Assert.Equal(verdict, row.Verdict);
        Assert.Contains(text, row.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// One playground and a fixture per check. From the start m2's server reports a version with known bugs
    /// (MariaDB's `version` option): before the other fixtures that is the one FAIL. Then: m2's binlog_format set to
    /// STATEMENT, sync_binlog 0, innodb_flush_log_at_trx_commit 2 and a 10 s semi-sync timeout; m3 given m1's
    /// server_id, AFTER_COMMIT and gtid_strict_mode off; m1's clock skewed 7 s by the agent's test hook; m3's binlog
    /// filesystem (a 64 MB tmpfs) filled to its last 10 MB; one etcd member killed; m3 deleted from HAProxy's read-only
    /// backend. Each check then fails (or warns, for one etcd member of three) naming the member.
    /// </summary>
    [Fact]
    public async Task Each_local_check_fails_on_its_fixture_and_passes_without_it()
    {
        await using var binlogs = await SmallFilesystem.MountAsync("doctor-binlog-m3", 64);
        await using var cluster = await PlaygroundCluster.StartAsync(output,
            agentYamlExtra: "disk:\n  warn: 40MB\n  critical: 20MB\n",
            mariadbSettings: new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["m2"] = new Dictionary<string, string> { ["version"] = "10.11.10-MariaDB-keel-test" },
                ["m3"] = new Dictionary<string, string> { ["log_bin"] = Path.Combine(binlogs.Path, "mysql-bin") },
            });

        var (clean, before) = await DoctorAsync(cluster);
        var fail = Assert.Single(before, r => r.Verdict == "FAIL");
        Assert.Equal(("m2", "server version"), (fail.Member, fail.Check));
        Assert.Contains("https://jira.mariadb.org/browse/MDEV-35109", fail.Detail, StringComparison.Ordinal);
        Assert.Equal(1, clean);
        Assert.Contains(before, r => r.Check == "link m1→m2" && r.Verdict != "FAIL");
        Assert.Contains(before, r => r.Check == "etcd leader" && r.Verdict == "PASS");

        await cluster.RootQueryAsync("m2", "SET GLOBAL binlog_format = 'STATEMENT', sync_binlog = 0, innodb_flush_log_at_trx_commit = 2, rpl_semi_sync_master_timeout = 10000");
        await cluster.RootQueryAsync("m3", "SET GLOBAL server_id = 1, rpl_semi_sync_master_wait_point = 'AFTER_COMMIT', gtid_strict_mode = OFF");
        cluster.Runner.Etcd(cluster.Spec).Kill("e3");
        var haproxy = new Keel.Agent.Proxy.HaproxyRuntime(cluster.Layout.HaproxySocket, TimeSpan.FromSeconds(5));
        output.WriteLine(await haproxy.SendAsync(["set server keel_ro/m3 state maint", "shutdown sessions server keel_ro/m3", "del server keel_ro/m3"], CancellationToken.None));
        await File.WriteAllTextAsync(Path.Combine(cluster.Layout.MemberRun("m1"), Keel.Agent.Doctor.LocalDoctor.ClockOffsetFile), "7s");
        binlogs.FillUntilFree(10L << 20);
        // The agent measures its disks every tick.
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members["m3"].Disk?.Level == Keel.Core.Disk.DiskLevel.Critical ? "full" : null, Generous, "m3's agent to see its binlog disk full");

        var (failed, after) = await DoctorAsync(cluster, "--no-network");
        Assert.Equal(1, failed);
        AssertVerdict(after, "m2", "binlog_format", "FAIL", "binlog_format is STATEMENT, not ROW");
        AssertVerdict(after, "m2", "sync_binlog", "FAIL", "sync_binlog is 0, not 1");
        AssertVerdict(after, "m2", "innodb_flush_log_at_trx_commit", "FAIL", "is 2, not 1");
        AssertVerdict(after, "m2", "rpl_semi_sync_master_timeout", "FAIL", "10000 ms");
        AssertVerdict(after, "m3", "rpl_semi_sync_master_wait_point", "FAIL", "AFTER_COMMIT");
        AssertVerdict(after, "m3", "gtid_strict_mode", "FAIL", "gtid_strict_mode is OFF");
        AssertVerdict(after, "etcd", "etcd members", "WARN", "2 of 3 etcd endpoints answer");
        AssertVerdict(after, "m1", "haproxy keel_ro", "FAIL", "backend keel_ro lacks m3");
        AssertVerdict(after, "m3", "server_id", "FAIL", "server_id 1 is also m1's");
        AssertVerdict(after, "m1", "server_id", "FAIL", "server_id 1 is also m3's");
        AssertVerdict(after, "m1", "clock skew", "FAIL", "ms from the cluster's median");
        AssertVerdict(after, "m3", "disk", "FAIL", "binlog filesystem");
        AssertVerdict(after, "m2", "clock skew", "PASS", "");

        await cluster.RootQueryAsync("m2", "SET GLOBAL binlog_format = 'ROW', sync_binlog = 1, innodb_flush_log_at_trx_commit = 1");
        await cluster.RootQueryAsync("m3", "SET GLOBAL server_id = 3, gtid_strict_mode = ON");
    }

    /// <summary>
    /// Separate hosts (network namespaces), with m2's outgoing link shaped to 20 Mbit/s by tc tbf: the links from m2
    /// fail under a 50 Mbit/s floor while the other direction passes; without the shaping every link passes.
    /// </summary>
    [Fact]
    public async Task A_slow_link_shaped_with_tbf_fails_the_link_check_in_one_direction()
    {
        Assert.True(NetworkLab.CannotRunReason() is null, $"this test needs network namespaces: {NetworkLab.CannotRunReason()}");
        await using var cluster = await PlaygroundCluster.StartAsync(output, isolatedHosts: true);
        var lab = await NetworkLab.OpenAsync(cluster.Spec.LabRunId!, CancellationToken.None);
        lab.Detach(); // the playground's `down` deletes it

        await lab.ShapeAsync("m2", 20, CancellationToken.None);
        var (failed, shaped) = await DoctorAsync(cluster, "--min-mbit", "50");
        Assert.Equal(1, failed);
        AssertVerdict(shaped, "m2", "link m2→m1", "FAIL", "under the floor of 50 Mbit/s");
        AssertVerdict(shaped, "m2", "link m2→m3", "FAIL", "under the floor of 50 Mbit/s");
        Assert.NotEqual("FAIL", shaped.Single(r => r.Check == "link m1→m2").Verdict);

        await lab.UnshapeAsync("m2", CancellationToken.None);
        var (_, healed) = await DoctorAsync(cluster, "--min-mbit", "50");
        Assert.All(healed.Where(r => r.Check.StartsWith("link ", StringComparison.Ordinal)), r => Assert.NotEqual("FAIL", r.Verdict));
    }
}
