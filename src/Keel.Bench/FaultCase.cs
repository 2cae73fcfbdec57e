using Keel.Agent.Requests;
using Keel.Bench.Faults;
using Keel.Core.Model;

namespace Keel.Bench;

/// <summary>What a fault case does to the cluster, which fault actions it needs, and how to tell that it is over.</summary>
public sealed record FaultCase(
    string Name,
    string Load,
    bool ExpectsFailover,
    IReadOnlyList<FaultAction> Needs,
    Func<FaultContext, Task> Inject,
    Func<FaultContext, Task> Recover)
{
    /// <summary>Why the case does not apply to a Galera cluster; null when it does.</summary>
    public string? NotInGalera { get; init; }

    public string Slug => new string(Name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Replace("--", "-", StringComparison.Ordinal).Trim('-');

    /// <summary>Null when <paramref name="faults"/> can run every action this case needs on a cluster of this mode, else why not.</summary>
    public string? CannotRunWith(IFaultInjector faults, bool galera = false) =>
        galera && NotInGalera is { } mode ? $"{Name}: {mode}"
        : Needs.Select(faults.CannotRun).FirstOrDefault(why => why is not null) is { } why ? $"{Name}: {why}" : null;
}

/// <summary>The cluster as it was just before the fault, handed to a case's steps.</summary>
public sealed record FaultContext(BenchCluster Cluster, ClusterView Before, string Primary, string Replica, CancellationToken Ct)
{
    public MemberState PrimaryState => Before.Members[Primary];
    public MemberState ReplicaState => Before.Members[Replica];

    public Task RunAsync(FaultAction action, MemberState member) => Cluster.Faults.RunAsync(action, member, Ct);
}

/// <summary>The fault cases of the seed reports and the fault matrix.</summary>
public static class FaultCases
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    /// <summary>How long an etcd fault lasts: past the playground's 10 s TTL, so a lease cannot simply outlast it.</summary>
    public static readonly TimeSpan EtcdFaultHold = TimeSpan.FromSeconds(15);

    public static IReadOnlyList<FaultCase> All { get; } =
    [
        new("primary mariadbd kill -9", "read-write", true, [FaultAction.KillServer],
            c => c.RunAsync(FaultAction.KillServer, c.PrimaryState),
            c => NewPrimaryAsync(c)),
        new("replica mariadbd kill -9", "read-write", false, [FaultAction.KillServer],
            c => c.RunAsync(FaultAction.KillServer, c.ReplicaState),
            c => StreamingAgainAsync(c, c.Replica, newServer: true)),
        new("replica agent kill", "read-write", false, [FaultAction.KillAgent],
            c => c.RunAsync(FaultAction.KillAgent, c.ReplicaState),
            c => AgentBackAsync(c, c.Replica)),
        new("primary agent kill", "read-write", false, [FaultAction.KillAgent],
            c => c.RunAsync(FaultAction.KillAgent, c.PrimaryState),
            c => AgentBackAsync(c, c.Primary)),
        new("primary agent + mariadbd paused past the TTL", "read-write", true, [FaultAction.Pause, FaultAction.Resume],
            c => c.RunAsync(FaultAction.Pause, c.PrimaryState),
            async c =>
            {
                try
                {
                    await NewPrimaryAsync(c);
                }
                finally
                {
                    await c.RunAsync(FaultAction.Resume, c.PrimaryState);
                }
            }),
        new("replica NIC down", "read-write", false, [FaultAction.NicDown, FaultAction.NicUp],
            c => c.RunAsync(FaultAction.NicDown, c.ReplicaState),
            async c =>
            {
                await Eventually.UntilAsync(async () => (await c.Cluster.ViewAsync()).Members.ContainsKey(c.Replica) ? null : "gone", Wait, $"{c.Replica}'s member key to expire");
                await c.RunAsync(FaultAction.NicUp, c.ReplicaState);
                await StreamingAgainAsync(c, c.Replica, newServer: false);
            }),
        new("primary NIC down", "read-write", true, [FaultAction.NicDown, FaultAction.NicUp],
            c => c.RunAsync(FaultAction.NicDown, c.PrimaryState),
            async c =>
            {
                try
                {
                    await NewPrimaryAsync(c);
                }
                finally
                {
                    await c.RunAsync(FaultAction.NicUp, c.PrimaryState);
                }
            }),
        new("planned switchover", "read-write", true, [],
            async c =>
            {
                var plan = await new OperatorRequests(c.Cluster.Store, TimeProvider.System).SwitchoverAsync(c.Replica, 60, c.Ct);
                if (!plan.Accepted)
                {
                    throw new InvalidOperationException($"the switchover was refused: {plan.Message}");
                }
            },
            c => NewPrimaryAsync(c)) { NotInGalera = "not in Galera mode (the writer key moves by itself when the writer stops serving; a rolling restart moves it on request)" },
        EtcdCase("etcd leader kill -9", FaultAction.EtcdLeaderKill),
        EtcdCase("etcd leader cut off", FaultAction.EtcdLeaderCutOff),
        EtcdCase("etcd leader paused (very slow)", FaultAction.EtcdLeaderPause),
        EtcdCase("etcd quorum lost and back", FaultAction.EtcdQuorumLoss),
    ];

    /// <summary>Why the named cases cannot run with <paramref name="faults"/>, one line per case; empty when all can.</summary>
    public static IReadOnlyList<string> CannotRun(IEnumerable<string> names, IFaultInjector faults, bool galera = false) =>
        All.Where(c => names.Contains(c.Name)).Select(c => c.CannotRunWith(faults, galera)).OfType<string>().ToList();

    /// <summary>The cases of `keel bench ha --quick`.</summary>
    public static IReadOnlyList<string> Quick { get; } = ["primary mariadbd kill -9", "planned switchover"];

    /// <summary>
    /// An etcd fault held for <see cref="EtcdFaultHold"/>, then healed. None may cause a failover by itself: the
    /// same primary must take writes again afterwards (the benchmark reports a leader change if it happens).
    /// </summary>
    private static FaultCase EtcdCase(string name, FaultAction fault) =>
        new(name, "read-write", false, [fault, FaultAction.EtcdHeal],
            c => c.RunAsync(fault, c.PrimaryState),
            async c =>
            {
                try
                {
                    await Task.Delay(EtcdFaultHold, c.Ct);
                }
                finally
                {
                    await c.RunAsync(FaultAction.EtcdHeal, c.PrimaryState);
                }
                await WritablePrimaryAsync(c);
            });

    private static Task<string> WritablePrimaryAsync(FaultContext c) =>
        Eventually.UntilAsync(async () =>
        {
            var v = await c.Cluster.ViewAsync();
            return v.Leader is { } l && ClusterHealth.Writable(v, l.Name) ? l.Name : null;
        }, Wait, "a writable primary after the etcd fault healed");

    private static Task<string> NewPrimaryAsync(FaultContext c) =>
        Eventually.UntilAsync(async () =>
        {
            var v = await c.Cluster.ViewAsync();
            return v.Leader is { } l && l.Name != c.Primary && ClusterHealth.Writable(v, l.Name) ? l.Name : null;
        }, Wait, "a new writable primary");

    private static Task<string> StreamingAgainAsync(FaultContext c, string member, bool newServer) =>
        Eventually.UntilAsync(async () =>
        {
            var v = await c.Cluster.ViewAsync();
            return v.Members.TryGetValue(member, out var m) && (!newServer || m.ServerPid != c.Before.Members[member].ServerPid)
                && (m.Galera is not null ? ClusterHealth.InStep(v, member) : m.IoRunning && m.SqlRunning) ? "ok" : null;
        }, Wait, $"{member} to stream again");

    private static Task<string> AgentBackAsync(FaultContext c, string member) =>
        Eventually.UntilAsync(async () =>
        {
            var v = await c.Cluster.ViewAsync();
            var was = c.Before.Members[member];
            return v.Members.TryGetValue(member, out var m) && m.AgentPid != was.AgentPid
                && (was.Role == MemberRole.Primary ? ClusterHealth.Writable(v, member) && v.Leader?.LeaseId != c.Before.Leader?.LeaseId
                    : m.Galera is not null ? ClusterHealth.InStep(v, member) : m.IoRunning) ? "ok" : null;
        }, Wait, $"the agent of {member} to come back");
}
