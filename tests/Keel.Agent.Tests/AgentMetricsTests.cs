using Keel.Agent.Ha;
using Keel.Agent.Metrics;
using static Keel.Agent.Tests.Ticks;

namespace Keel.Agent.Tests;

/// <summary>The /metrics text: what a tick's result turns into, in the Prometheus text format, with cluster and member labels.</summary>
public class AgentMetricsTests
{
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
        status.Update(Tick(writable: true, leader: "m1", Now.AddSeconds(9)));
        status.Update(Tick(writable: true, leader: "m1", Now.AddSeconds(8.5)));
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
        new AgentStatus { Metrics = metrics }.Update(Tick(writable: false, leader: "m2", Now.AddSeconds(9), From(3302, behind: 3)), "StartReplication");
        var text = await TextAsync(metrics);
        Assert.Equal("0", Value(text, "keel_leader"));
        Assert.Equal("0", Value(text, "keel_primary"));
        Assert.Equal("3", Value(text, "keel_replication_seconds_behind_source"));
        Assert.Equal("1", Value(text, "keel_decisions_total", ("action", "StartReplication")));
    }
}
