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
    /// One playground, four fixtures: m2's binlog_format set to STATEMENT, m3 given m1's server_id, m1's clock skewed
    /// 7 s by the agent's test hook, and m3's binlog filesystem (a 64 MB tmpfs) filled to its last 10 MB. Before them
    /// the doctor passes everything (exit 0); after them each check fails naming the member (exit 1).
    /// </summary>
    [Fact]
    public async Task Each_local_check_fails_on_its_fixture_and_passes_without_it()
    {
        await using var binlogs = await SmallFilesystem.MountAsync("doctor-binlog-m3", 64);
        await using var cluster = await PlaygroundCluster.StartAsync(output,
            agentYamlExtra: "disk:\n  warn: 40MB\n  critical: 20MB\n",
            mariadbSettings: new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["m3"] = new Dictionary<string, string> { ["log_bin"] = Path.Combine(binlogs.Path, "mysql-bin") },
            });

        var (clean, before) = await DoctorAsync(cluster);
        Assert.DoesNotContain(before, r => r.Verdict == "FAIL");
        Assert.Equal(0, clean);
        Assert.Contains(before, r => r.Check == "link m1→m2" && r.Verdict != "FAIL");
        Assert.Contains(before, r => r.Check == "etcd leader" && r.Verdict == "PASS");

        await cluster.RootQueryAsync("m2", "SET GLOBAL binlog_format = 'STATEMENT'");
        await cluster.RootQueryAsync("m3", "SET GLOBAL server_id = 1");
        await File.WriteAllTextAsync(Path.Combine(cluster.Layout.MemberRun("m1"), Keel.Agent.Doctor.LocalDoctor.ClockOffsetFile), "7s");
        binlogs.FillUntilFree(10L << 20);
        // The agent measures its disks every tick.
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members["m3"].Disk?.Level == Keel.Core.Disk.DiskLevel.Critical ? "full" : null, Generous, "m3's agent to see its binlog disk full");

        var (failed, after) = await DoctorAsync(cluster, "--no-network");
        Assert.Equal(1, failed);
        AssertVerdict(after, "m2", "binlog_format", "FAIL", "binlog_format is STATEMENT, not ROW");
        AssertVerdict(after, "m3", "server_id", "FAIL", "server_id 1 is also m1's");
        AssertVerdict(after, "m1", "server_id", "FAIL", "server_id 1 is also m3's");
        AssertVerdict(after, "m1", "clock skew", "FAIL", "ms from the cluster's median");
        AssertVerdict(after, "m3", "disk", "FAIL", "binlog filesystem");
        AssertVerdict(after, "m2", "clock skew", "PASS", "");

        await cluster.RootQueryAsync("m2", "SET GLOBAL binlog_format = 'ROW'");
        await cluster.RootQueryAsync("m3", "SET GLOBAL server_id = 3");
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
