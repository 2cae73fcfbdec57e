using System.Diagnostics;
using Keel.Bench;
using Keel.Bench.Faults;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>
/// The playground's three-member etcd hurt the ways a production etcd is: its leader killed, cut off the network or
/// stopped (very slow), and its quorum lost and back. None may cause a failover by itself, lose a write, or make two
/// writers. One cluster takes the four faults in turn (each case checked on its own), to keep the suite short.
/// </summary>
public sealed class EtcdClusterFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>Longer than the 6 s TTL: a leader lease cannot simply outlast the fault.</summary>
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(9);

    /// <summary>
    /// A paused etcd leader is held 2 s: long enough for the other two to elect a new leader (election timeout 1 s),
    /// shorter than any session lease can run out in the paused leader's view (6 s TTL, renewed every 2 s or so). etcd
    /// 3.4 has a known bug (etcd-io/etcd#15247, #12528): a leader that resumes still believes it leads for a moment
    /// and revokes every lease that expired in its own view, so every session drops at once. Keel stays safe then
    /// (the primary is fenced and the most advanced member wins), but this scenario is about "no failover", which
    /// that bug makes impossible to promise for a longer pause.
    /// </summary>
    private static readonly TimeSpan PauseHold = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Etcd_leader_kill_cut_off_pause_and_quorum_loss_cause_no_failover_no_loss_and_no_second_writer()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        Assert.Equal(3, cluster.Spec.EtcdSize);
        var etcd = cluster.Runner.Etcd(cluster.Spec);
        Assert.Null(cluster.Bench.Faults.CannotRun(FaultAction.EtcdLeaderCutOff));

        foreach (var fault in new[] { FaultAction.EtcdLeaderKill, FaultAction.EtcdLeaderCutOff, FaultAction.EtcdLeaderPause, FaultAction.EtcdQuorumLoss })
        {
            await cluster.WaitForHealthyAsync(Generous);
            await WaitForOneEtcdLeaderAsync(etcd);
            var before = (await cluster.ViewAsync()).Leader!;
            var etcdLeader = await etcd.LeaderAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            var primaryState = (await cluster.ViewAsync()).Members[before.Name];
            await using var checker = await WriteChecker.StartAsync(cluster.Bench);
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 50);
            checker.FaultNow();
            var watch = Stopwatch.StartNew();
            try
            {
                await cluster.Bench.Faults.RunAsync(fault, primaryState, CancellationToken.None);
                output.WriteLine($"{FaultActionNames.Name(fault)} (etcd leader was {etcdLeader}; primary {before.Name})");
                await Task.Delay(HoldFor(fault));
            }
            finally
            {
                await cluster.Bench.Faults.RunAsync(FaultAction.EtcdHeal, primaryState, CancellationToken.None);
            }

            var after = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var v = await cluster.ViewAsync();
                return v.Leader is { } l && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l : null;
            }, Generous, $"a writable primary after {FaultActionNames.Name(fault)} healed");
            output.WriteLine($"{FaultActionNames.Name(fault)}: {after.Name} writable {watch.Elapsed.TotalSeconds:0.0} s after the fault began ({HoldFor(fault).TotalSeconds:0} s held)");
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
            cluster.Checked(await checker.FinishAsync(FaultActionNames.Name(fault)));
            Assert.True(after.Name == before.Name, $"{FaultActionNames.Name(fault)} caused a failover from {before.Name} to {after.Name}");
        }
    }

    private static TimeSpan HoldFor(FaultAction fault) => fault == FaultAction.EtcdLeaderPause ? PauseHold : Hold;

    /// <summary>Every etcd member answers and names the same leader: the previous fault is over for etcd too.</summary>
    private static Task<string> WaitForOneEtcdLeaderAsync(Keel.Playground.PlaygroundEtcd etcd) =>
        PlaygroundCluster.EventuallyAsync(async () =>
        {
            var statuses = await etcd.StatusesAsync(CancellationToken.None);
            var leaders = statuses.Select(s => s.Status?.LeaderId ?? 0UL).ToHashSet();
            return leaders.Count == 1 && !leaders.Contains(0UL) ? "ok" : null;
        }, Generous, "every etcd member to follow one leader");
}
