using System.Diagnostics;
using Keel.Bench;
using Keel.Playground;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Members that build themselves: a replica that lost its datadir is cloned from the best donor, under load.</summary>
public sealed class CloneTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(180);
    private const int SigStop = 19;
    private const int SigCont = 18;

    [Fact]
    public async Task A_replica_whose_datadir_was_deleted_is_cloned_from_a_donor_and_streams_again_with_every_acknowledged_row()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var view = await cluster.ViewAsync();
        var primary = view.Leader!.Name;
        var victim = view.Members.Keys.Where(n => n != primary).Order(StringComparer.Ordinal).Last();
        var before = view.Members[victim];
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);

        // The agent is held while its server dies and its datadir goes, so that it finds the datadir already gone.
        ProcessTools.Signal(before.AgentPid!.Value, SigStop);
        try
        {
            cluster.Server(victim).Kill();
            Directory.Delete(cluster.Layout.MemberData(victim), recursive: true);
            output.WriteLine($"killed the server of {victim} and deleted its datadir");
        }
        finally
        {
            ProcessTools.Signal(before.AgentPid!.Value, SigCont);
        }
        var clock = Stopwatch.StartNew();

        await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.Members.TryGetValue(victim, out var m) && m.ServerPid != before.ServerPid && m.IoRunning && m.SqlRunning && m.Following == v.Leader?.Name ? "ok" : null;
        }, Generous, $"{victim} to stream again after its clone");
        output.WriteLine($"{victim} streams again {clock.Elapsed.TotalSeconds:0.0} s after its datadir was deleted");

        var log = cluster.AgentLog(victim);
        Assert.Contains("the local datadir holds no data; cloning from", log, StringComparison.Ordinal);
        Assert.Matches(@"cloned [0-9.]+ MB from m\d in [0-9.]+ s", log);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
        var report = cluster.Checked(await checker.FinishAsync("replica datadir deleted, re-cloned"));
        Assert.Equal(primary, (await cluster.ViewAsync()).Leader!.Name);
        output.WriteLine($"{report.FailedWrites} failed writes through the read-write endpoint during the clone");
    }
}
