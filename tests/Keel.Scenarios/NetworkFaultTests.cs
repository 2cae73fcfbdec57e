using Keel.Bench;
using Keel.Network;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>
/// The fault-matrix rows that need separate hosts: each member (agent and server) runs in its own network namespace
/// (`keel up --isolated-hosts`, rules of test-hosts.md), and a member's NIC is taken down from its namespace side.
/// </summary>
public sealed class NetworkFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private async Task<(PlaygroundCluster Cluster, NetworkLab Lab)> StartAsync()
    {
        Assert.True(NetworkLab.CannotRunReason() is null, $"these tests need network namespaces: {NetworkLab.CannotRunReason()}");
        var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s", isolatedHosts: true);
        var lab = await NetworkLab.OpenAsync(cluster.Spec.LabRunId!, CancellationToken.None);
        lab.Detach(); // the playground's `down` deletes it
        return (cluster, lab);
    }

    [Fact]
    public async Task Replica_nic_down_causes_no_failover_shows_it_unreachable_and_it_catches_up_after_nic_up()
    {
        var (cluster, lab) = await StartAsync();
        await using (cluster)
        await using (var checker = await WriteChecker.StartAsync(cluster.Bench))
        {
            var leader = (await cluster.ViewAsync()).Leader!;
            var replica = cluster.Spec.Members.First(m => m.Name != leader.Name).Name;
            checker.FaultNow();
            await lab.NicDownAsync(replica, CancellationToken.None);
            try
            {
                await PlaygroundCluster.EventuallyAsync(async () =>
                    (await cluster.ViewAsync()).Members.ContainsKey(replica) ? null : "gone", Generous, $"{replica}'s member key to expire");
                var status = Keel.Core.Status.ClusterStatus.From(cluster.Spec.Cluster, await cluster.ViewAsync(), cluster.Spec.Members.Select(m => (m.Name, m.Address)));
                Assert.Equal("unreachable", status.Rows.Single(r => r.Member == replica).State);
                Assert.Contains(status.Warnings, w => w.StartsWith($"unable to reach the agent of {replica}", StringComparison.Ordinal));
                await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
            }
            finally
            {
                await lab.NicUpAsync(replica, CancellationToken.None);
            }
            var r = await checker.FinishAsync("replica NIC down, then up");
            output.WriteLine("FIGURES " + r);
            Assert.Equal(0, r.AcknowledgedLost);
            Assert.Equal(0, r.FailedWrites);
            var after = (await cluster.ViewAsync()).Leader!;
            Assert.Equal((leader.Name, leader.CreateRevision), (after.Name, after.CreateRevision));
        }
    }

    [Fact]
    public async Task Primary_nic_down_fails_over_the_isolated_primary_demotes_itself_and_rejoins_after_nic_up()
    {
        var (cluster, lab) = await StartAsync();
        await using (cluster)
        await using (var checker = await WriteChecker.StartAsync(cluster.Bench))
        {
            var leader = (await cluster.ViewAsync()).Leader!.Name;
            checker.FaultNow();
            await lab.NicDownAsync(leader, CancellationToken.None);
            try
            {
                await PlaygroundCluster.EventuallyAsync(async () =>
                {
                    var v = await cluster.ViewAsync();
                    return v.Leader is { } l && l.Name != leader && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l.Name : null;
                }, Generous, "a new writable primary");
                // Cut off from etcd, the old primary must have stopped writes by itself (checked over its unix socket).
                await PlaygroundCluster.EventuallyAsync(async () =>
                    (await cluster.RootQueryAsync(leader, "SELECT @@global.read_only")).Scalar() == "1" ? "ok" : null, Generous, $"{leader} to be read-only");
                await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
            }
            finally
            {
                await lab.NicUpAsync(leader, CancellationToken.None);
            }
            var r = await checker.FinishAsync("primary NIC down, then up");
            output.WriteLine("FIGURES " + r);
            Assert.Equal(0, r.AcknowledgedLost);
            Assert.Equal(0, r.SplitBrainSwitches);
            var view = await cluster.ViewAsync();
            Assert.NotEqual(leader, view.Leader!.Name);
            Assert.Equal(view.Leader.Name, view.Members[leader].Following);
            // The agent demotes one demote margin before the lease can expire, and the watchdog fences at the same
            // moment when the agent's promise runs out; with every etcd endpoint silent a tick can wait one request
            // timeout per endpoint, so either may come first. Whichever did left its sentence.
            var watchdogLog = File.Exists(cluster.Layout.WatchdogLog(leader)) ? await File.ReadAllTextAsync(cluster.Layout.WatchdogLog(leader)) : "";
            Assert.True(
                cluster.AgentLog(leader).Contains("etcd is unreachable and the leader lease may expire", StringComparison.Ordinal)
                    || watchdogLog.Contains("promised ran out", StringComparison.Ordinal),
                "neither the agent nor the watchdog said why the isolated primary turned read-only");
        }
    }
}
