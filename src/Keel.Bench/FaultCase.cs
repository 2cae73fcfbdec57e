using Keel.Agent.Requests;
using Keel.Core.Model;
using Keel.Network;
using Keel.Playground;

namespace Keel.Bench;

/// <summary>What a fault case does to the cluster and how to tell that it is over.</summary>
public sealed record FaultCase(
    string Name,
    string Load,
    bool ExpectsFailover,
    bool NeedsIsolatedHosts,
    Func<FaultContext, Task> Inject,
    Func<FaultContext, Task> Recover)
{
    public string Slug => new string(Name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Replace("--", "-", StringComparison.Ordinal).Trim('-');
}

/// <summary>The cluster as it was just before the fault, handed to a case's steps.</summary>
public sealed record FaultContext(BenchCluster Cluster, ClusterView Before, string Primary, string Replica, CancellationToken Ct)
{
    public MemberState PrimaryState => Before.Members[Primary];
    public MemberState ReplicaState => Before.Members[Replica];
}

/// <summary>The fault cases of the seed reports and the fault matrix.</summary>
public static class FaultCases
{
    private const int SigKill = 9;
    private const int SigStop = 19;
    private const int SigCont = 18;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    public static IReadOnlyList<FaultCase> All { get; } =
    [
        new("primary mariadbd kill -9", "read-write", true, false,
            c => Task.Run(() => c.Cluster.Server(c.Primary).Kill()),
            c => NewPrimaryAsync(c)),
        new("replica mariadbd kill -9", "read-write", false, false,
            c => Task.Run(() => c.Cluster.Server(c.Replica).Kill()),
            c => StreamingAgainAsync(c, c.Replica, newServer: true)),
        new("replica agent kill", "read-write", false, false,
            c => Signal(c.ReplicaState.AgentPid, SigKill),
            c => AgentBackAsync(c, c.Replica)),
        new("primary agent kill", "read-write", false, false,
            c => Signal(c.PrimaryState.AgentPid, SigKill),
            c => AgentBackAsync(c, c.Primary)),
        new("primary agent + mariadbd paused past the TTL", "read-write", true, false,
            async c =>
            {
                await Signal(c.PrimaryState.AgentPid, SigStop);
                await Signal(c.PrimaryState.ServerPid, SigStop);
            },
            async c =>
            {
                try
                {
                    await NewPrimaryAsync(c);
                }
                finally
                {
                    await Signal(c.PrimaryState.ServerPid, SigCont);
                    await Signal(c.PrimaryState.AgentPid, SigCont);
                }
            }),
        new("replica NIC down", "read-write", false, true,
            async c =>
            {
                await using var lab = await OpenLabAsync(c);
                await lab.NicDownAsync(c.Replica, c.Ct);
            },
            async c =>
            {
                await Eventually.UntilAsync(async () => (await c.Cluster.ViewAsync()).Members.ContainsKey(c.Replica) ? null : "gone", Wait, $"{c.Replica}'s member key to expire");
                await using (var lab = await OpenLabAsync(c))
                {
                    await lab.NicUpAsync(c.Replica, c.Ct);
                }
                await StreamingAgainAsync(c, c.Replica, newServer: false);
            }),
        new("primary NIC down", "read-write", true, true,
            async c =>
            {
                await using var lab = await OpenLabAsync(c);
                await lab.NicDownAsync(c.Primary, c.Ct);
            },
            async c =>
            {
                try
                {
                    await NewPrimaryAsync(c);
                }
                finally
                {
                    await using var lab = await OpenLabAsync(c);
                    await lab.NicUpAsync(c.Primary, c.Ct);
                }
            }),
        new("planned switchover", "read-write", true, false,
            async c =>
            {
                var plan = await new OperatorRequests(c.Cluster.Store, TimeProvider.System).SwitchoverAsync(c.Replica, 60, c.Ct);
                if (!plan.Accepted)
                {
                    throw new InvalidOperationException($"the switchover was refused: {plan.Message}");
                }
            },
            c => NewPrimaryAsync(c)),
    ];

    /// <summary>The cases of `keel bench ha --quick`.</summary>
    public static IReadOnlyList<string> Quick { get; } = ["primary mariadbd kill -9", "planned switchover"];

    private static Task Signal(int? pid, int signal)
    {
        if (pid is { } p)
        {
            ProcessTools.Signal(p, signal);
        }
        return Task.CompletedTask;
    }

    private static async Task<NetworkLab> OpenLabAsync(FaultContext c)
    {
        var lab = await NetworkLab.OpenAsync(c.Cluster.Spec.LabRunId ?? throw new InvalidOperationException("the playground has no isolated hosts"), c.Ct);
        lab.Detach(); // the playground owns it; `keel down` deletes it
        return lab;
    }

    private static Task<string> NewPrimaryAsync(FaultContext c) =>
        Eventually.UntilAsync(async () =>
        {
            var v = await c.Cluster.ViewAsync();
            return v.Leader is { } l && l.Name != c.Primary && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l.Name : null;
        }, Wait, "a new writable primary");

    private static Task<string> StreamingAgainAsync(FaultContext c, string member, bool newServer) =>
        Eventually.UntilAsync(async () =>
        {
            var v = await c.Cluster.ViewAsync();
            return v.Members.TryGetValue(member, out var m) && (!newServer || m.ServerPid != c.Before.Members[member].ServerPid)
                && m.IoRunning && m.SqlRunning ? "ok" : null;
        }, Wait, $"{member} to stream again");

    private static Task<string> AgentBackAsync(FaultContext c, string member) =>
        Eventually.UntilAsync(async () =>
        {
            var v = await c.Cluster.ViewAsync();
            var was = c.Before.Members[member];
            return v.Members.TryGetValue(member, out var m) && m.AgentPid != was.AgentPid
                && (was.Role == MemberRole.Primary ? m.ReadOnly == false && v.Leader?.LeaseId != c.Before.Leader?.LeaseId : m.IoRunning) ? "ok" : null;
        }, Wait, $"the agent of {member} to come back");
}
