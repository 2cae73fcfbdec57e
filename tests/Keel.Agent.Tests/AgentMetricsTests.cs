using System.Collections.Immutable;
using Keel.Agent.Ha;
using Keel.Agent.Metrics;
using Keel.Core.Decisions;
using Keel.Core.Gtid;
using Keel.Core.Model;
using Keel.Core.Timing;

namespace Keel.Agent.Tests;

/// <summary>The /metrics text: what a tick's result turns into, in the Prometheus text format, with cluster and member labels.</summary>
public class AgentMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly MemberIdentity Me = new("m1", "127.0.0.1", 3301, "http://127.0.0.1:8001", MemberTags.Default);

    private static TickResult Tick(bool writable, string? leader, double leaseSeconds, long? behind = null)
    {
        var replication = behind is null ? null : new ReplicationStatus("127.0.0.1", 3302, true, true, GtidPosition.Empty, behind, 0, "", 0, "");
        var local = new LocalServer(ServerStatus.Running, 1, !writable, GtidPosition.Empty, GtidPosition.Empty, replication, true, null);
        var members = ImmutableDictionary<string, MemberState>.Empty.Add("m2", new MemberState { Name = "m2", Host = "127.0.0.1", Port = 3302, ApiUrl = "" });
        var cluster = new ClusterView("m1", leader is null ? null : new LeaderRecord(leader, 7, 3), members);
        var snapshot = new HaSnapshot(Me, local, cluster, new LeaseView(7, Now.AddSeconds(leaseSeconds), false), TimingRules.Default);
        var published = MemberStateFactory.FromLocal(Me, local, members.Values, MemberRole.Unknown, 1, Now);
        return new TickResult(snapshot, Decision.Nothing("test"), published, Now);
    }

    /// <summary>The value of the series <paramref name="name"/> of cluster prod, member m1, with these other labels (in any order).</summary>
    private static string? Value(string text, string name, params (string Key, string Value)[] labels)
    {
        var want = labels.Append(("cluster", "prod")).Append(("member", "m1")).Select(l => $"{l.Item1}=\"{l.Item2}\"").ToHashSet(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var open = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.IndexOf('}', StringComparison.Ordinal);
            if (open > 0 && close > open && line[..open] == name && line[(open + 1)..close].Split(',').ToHashSet(StringComparer.Ordinal).SetEquals(want))
            {
                return line[(close + 2)..].Trim();
            }
        }
        return null;
    }

    private static async Task<string> TextAsync(AgentMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.ExportAsync(stream, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task The_primary_shows_leader_primary_lease_and_its_decisions()
    {
        var metrics = new AgentMetrics("prod", "m1");
        var status = new AgentStatus { Metrics = metrics };
        status.Update(Tick(writable: true, leader: "m1", leaseSeconds: 9));
        status.Update(Tick(writable: true, leader: "m1", leaseSeconds: 8.5));
        metrics.ObserveTick(TimeSpan.FromMilliseconds(12));
        var text = await TextAsync(metrics);
        Assert.Equal("1", Value(text, "keel_leader"));
        Assert.Equal("1", Value(text, "keel_primary"));
        Assert.Equal("8.5", Value(text, "keel_lease_seconds_left"));
        Assert.Equal("0", Value(text, "keel_server_read_only"));
        Assert.Equal("2", Value(text, "keel_decisions_total", ("action", "None")));
        Assert.Equal("1", Value(text, "keel_ha_loop_seconds_count"));
        Assert.Equal("-1", Value(text, "keel_galera_serves"));
        Assert.Contains("# TYPE keel_ha_loop_seconds histogram", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_shows_no_leadership_and_how_far_behind_its_source_it_says_it_is()
    {
        var metrics = new AgentMetrics("prod", "m1");
        new AgentStatus { Metrics = metrics }.Update(Tick(writable: false, leader: "m2", leaseSeconds: 9, behind: 3), "StartReplication");
        var text = await TextAsync(metrics);
        Assert.Equal("0", Value(text, "keel_leader"));
        Assert.Equal("0", Value(text, "keel_primary"));
        Assert.Equal("3", Value(text, "keel_replication_seconds_behind_source"));
        Assert.Equal("1", Value(text, "keel_decisions_total", ("action", "StartReplication")));
    }
}
