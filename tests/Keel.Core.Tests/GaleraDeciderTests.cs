using System.Collections.Immutable;
using Keel.Core.Galera;
using Keel.Core.Model;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

/// <summary>Galera mode's decision table: bootstrap once, join a Primary Component, one writer, and the full-outage recovery.</summary>
public sealed class GaleraDeciderTests
{
    private const string Uuid = "6b2f0e4c-1111-11ef-8000-000000000001";

    private static GaleraState Synced(long seqno = 100) => new()
    {
        LocalState = GaleraState.Synced, LocalStateComment = "Synced", ClusterStatus = "Primary", Ready = true, ClusterSize = 3, ClusterUuid = Uuid, Seqno = seqno,
    };

    private static GaleraState Recovered(long seqno, string uuid = Uuid) => new() { Recovered = true, ClusterUuid = uuid, Seqno = seqno };

    private static MemberState Node(string name, ServerStatus server, GaleraState? galera) =>
        Member(name, server == ServerStatus.Running ? Primary() : LocalServer.Stopped()) with { Server = server, Galera = galera };

    private static ClusterView View(string? writer, params MemberState[] members) =>
        Cluster(writer, members).WithRoster(null, "m1", "m2", "m3");

    private static GaleraSnapshot Snap(ServerStatus server, GaleraState? local, ClusterView? view, DateTimeOffset? noPrimarySince = null, DateTimeOffset? notServingSince = null) =>
        new(Identity("m1"), server, local, view, HealthyLease, GaleraOptions.Default, noPrimarySince, notServingSince, NoneServingSince: notServingSince);

    public sealed record Row(string Name, GaleraSnapshot Snapshot, Type Action, string Reason)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Row> Rows() => new()
    {
        new("the first node of a new cluster bootstraps it",
            Snap(ServerStatus.Stopped, null, Cluster(null) with { InitializedBy = null }), typeof(GaleraAction.Bootstrap), "none exists yet"),
        new("a stopped node joins a Primary Component",
            Snap(ServerStatus.Stopped, null, View("m2", Node("m2", ServerStatus.Running, Synced()), Node("m3", ServerStatus.Stopped, null))),
            typeof(GaleraAction.Join), "join the Primary Component of m2"),
        new("a Donor in the Primary Component can be joined",
            Snap(ServerStatus.Stopped, Recovered(5), View(null, Node("m2", ServerStatus.Running, Synced() with { LocalState = GaleraState.Donor }))),
            typeof(GaleraAction.Join), "join the Primary Component of m2"),
        new("a writer that donates keeps the key while no other node is Synced (writes would stop for the whole transfer)",
            Snap(ServerStatus.Running, Synced() with { LocalState = GaleraState.Donor, LocalStateComment = "Donor/Desynced" }, View("m1", Node("m2", ServerStatus.Running, Synced() with { LocalState = GaleraState.Joining }))),
            typeof(GaleraAction.None), "is the writer"),
        new("a writer that donates gives the key up when another node is Synced",
            Snap(ServerStatus.Running, Synced() with { LocalState = GaleraState.Donor, LocalStateComment = "Donor/Desynced" }, View("m1", Node("m2", ServerStatus.Running, Synced()))),
            typeof(GaleraAction.ReleaseWriter), "no longer serves"),
        new("a synced node takes the free writer key",
            Snap(ServerStatus.Running, Synced(), View(null, Node("m2", ServerStatus.Running, Synced()))), typeof(GaleraAction.AcquireWriter), "nobody holds it"),
        new("a synced node leaves the writer key to its holder",
            Snap(ServerStatus.Running, Synced(), View("m2", Node("m2", ServerStatus.Running, Synced()))), typeof(GaleraAction.None), "m2 is the writer"),
        new("a writer outside the Primary Component gives the key up",
            Snap(ServerStatus.Running, Synced() with { ClusterStatus = "non-Primary", Ready = false }, View("m1")), typeof(GaleraAction.ReleaseWriter), "no longer serves"),
        new("a node outside the Primary Component serves nothing and waits",
            Snap(ServerStatus.Running, Synced() with { ClusterStatus = "non-Primary", Ready = false }, View("m2")), typeof(GaleraAction.None), "serves neither reads nor writes"),
        new("a joining node waits",
            Snap(ServerStatus.Running, Synced() with { LocalState = GaleraState.Joining, LocalStateComment = "Joining" }, View("m2")), typeof(GaleraAction.None), "Joining"),
        new("the bootstrapper drops the bootstrap key once synced",
            Snap(ServerStatus.Running, Synced(), View(null) with { GaleraBootstrap = new("m1", Uuid, 100, Now) }), typeof(GaleraAction.DropBootstrapKey), "Synced"),
        new("others wait for the node that holds the bootstrap key",
            Snap(ServerStatus.Stopped, Recovered(200), View(null) with { GaleraBootstrap = new("m2", Uuid, 100, Now) }), typeof(GaleraAction.None), "waiting for m2 to bootstrap"),
        new("after a full outage a node first recovers its position",
            Snap(ServerStatus.Stopped, null, View(null, Node("m2", ServerStatus.Stopped, Recovered(90)), Node("m3", ServerStatus.Stopped, Recovered(80)))),
            typeof(GaleraAction.RecoverPosition), "most advanced node bootstraps"),
        new("the most advanced node bootstraps once every position is known",
            Snap(ServerStatus.Stopped, Recovered(120), View(null, Node("m2", ServerStatus.Stopped, Recovered(90)), Node("m3", ServerStatus.Stopped, Recovered(80)))),
            typeof(GaleraAction.Bootstrap), "m1 holds the most advanced position"),
        new("a less advanced node leaves the bootstrap to the most advanced",
            Snap(ServerStatus.Stopped, Recovered(80), View(null, Node("m2", ServerStatus.Stopped, Recovered(120)), Node("m3", ServerStatus.Stopped, Recovered(80)))),
            typeof(GaleraAction.None), "m2 bootstraps after the full outage"),
        new("equal positions: the first by name bootstraps",
            Snap(ServerStatus.Stopped, Recovered(120), View(null, Node("m2", ServerStatus.Stopped, Recovered(120)), Node("m3", ServerStatus.Stopped, Recovered(120)))),
            typeof(GaleraAction.Bootstrap), "m1 holds the most advanced position"),
        new("a node whose agent is down may be more advanced: wait",
            Snap(ServerStatus.Stopped, Recovered(120), View(null, Node("m2", ServerStatus.Stopped, Recovered(90))), noPrimarySince: Now.AddSeconds(-10)),
            typeof(GaleraAction.None), "waiting for the position of m3"),
        new("after the recovery wait the most advanced known node bootstraps and says who was missing",
            Snap(ServerStatus.Stopped, Recovered(120), View(null, Node("m2", ServerStatus.Stopped, Recovered(90))), noPrimarySince: Now.AddSeconds(-61)),
            typeof(GaleraAction.Bootstrap), "without a position from m3"),
        new("different cluster histories are never chosen between automatically",
            Snap(ServerStatus.Stopped, Recovered(120), View(null, Node("m2", ServerStatus.Stopped, Recovered(90, "aaaaaaaa-0000-0000-0000-000000000000")), Node("m3", ServerStatus.Stopped, Recovered(80)))),
            typeof(GaleraAction.None), "different cluster histories"),
        new("a running node outside the Primary Component is waited for, never bootstrapped around",
            Snap(ServerStatus.Stopped, Recovered(120), View(null, Node("m2", ServerStatus.Running, Synced() with { ClusterStatus = "non-Primary", Ready = false }), Node("m3", ServerStatus.Stopped, Recovered(80)))),
            typeof(GaleraAction.None), "m2 still runs"),
        new("a stopped writer gives the key up",
            Snap(ServerStatus.Stopped, null, View("m1", Node("m2", ServerStatus.Running, Synced()))), typeof(GaleraAction.ReleaseWriter), "server stopped"),
        new("a node outside any Primary Component with nobody serving is stopped after the join patience, for the recovery",
            Snap(ServerStatus.Running, Synced() with { ClusterStatus = "non-Primary", Ready = false }, View(null, Node("m2", ServerStatus.Stopped, Recovered(90))), notServingSince: Now.AddSeconds(-31)),
            typeof(GaleraAction.StopServer), "no node has served for 31 s"),
        new("a joiner that does not answer yet while nobody serves is stopped after the join patience",
            Snap(ServerStatus.Unknown, null, View(null, Node("m2", ServerStatus.Stopped, Recovered(90))), notServingSince: Now.AddSeconds(-31)),
            typeof(GaleraAction.StopServer), "outside any Primary Component for 31 s"),
        new("a joiner is left alone while a node serves: Galera brings it in",
            Snap(ServerStatus.Unknown, null, View("m2", Node("m2", ServerStatus.Running, Synced())), notServingSince: Now.AddSeconds(-300)),
            typeof(GaleraAction.None), "does not answer yet"),
        new("a node outside the Primary Component is left alone within the join patience",
            Snap(ServerStatus.Running, Synced() with { ClusterStatus = "non-Primary", Ready = false }, View(null), notServingSince: Now.AddSeconds(-5)),
            typeof(GaleraAction.None), "serves neither reads nor writes"),
        new("a node whose server stopped a moment ago waits before joining (the others may have died with it)",
            Snap(ServerStatus.Stopped, null, View("m2", Node("m2", ServerStatus.Running, Synced()))) with { StoppedSince = Now.AddSeconds(-1) },
            typeof(GaleraAction.None), "stopped a moment ago"),
        new("a node is not stopped when the others lost their component only a moment ago (it re-forms by itself)",
            Snap(ServerStatus.Unknown, null, View(null, Node("m2", ServerStatus.Running, Synced() with { ClusterStatus = "non-Primary", Ready = false })), notServingSince: Now.AddSeconds(-60)) with { NoneServingSince = Now.AddSeconds(-2) },
            typeof(GaleraAction.None), "does not answer yet"),
        new("an operator's forced bootstrap names this node: it bootstraps without waiting for the others",
            Snap(ServerStatus.Stopped, Recovered(80), View(null) with { GaleraForcedBootstrap = "m1" }), typeof(GaleraAction.Bootstrap), "an operator forced it"),
        new("an operator's forced bootstrap names another node: wait for it",
            Snap(ServerStatus.Stopped, Recovered(120), View(null) with { GaleraForcedBootstrap = "m2" }), typeof(GaleraAction.None), "waiting for m2 to bootstrap"),
        new("a rolling restart waits while another node is not Synced",
            Snap(ServerStatus.Running, Synced(), View("m2", Node("m2", ServerStatus.Running, Synced()), Node("m3", ServerStatus.Running, Synced() with { LocalState = GaleraState.Joining })) with { GaleraRestartRequested = ["m1"] }),
            typeof(GaleraAction.None), "m3 is not"),
        new("a rolling restart restarts a reader when every other node is Synced",
            Snap(ServerStatus.Running, Synced(), View("m2", Node("m2", ServerStatus.Running, Synced()), Node("m3", ServerStatus.Running, Synced())) with { GaleraRestartRequested = ["m1"] }),
            typeof(GaleraAction.RestartServer), "every other node is Synced"),
        new("a rolling restart of the writer gives the key up first",
            Snap(ServerStatus.Running, Synced(), View("m1", Node("m2", ServerStatus.Running, Synced()), Node("m3", ServerStatus.Running, Synced())) with { GaleraRestartRequested = ["m1"] }),
            typeof(GaleraAction.ReleaseWriter), "ahead of its rolling restart"),
        new("a node Disconnected from the group while others serve is restarted after the join patience",
            Snap(ServerStatus.Running, Synced() with { ClusterStatus = "Disconnected", Ready = false, ClusterSize = 0, LocalStateComment = "Initialized" }, View("m2", Node("m2", ServerStatus.Running, Synced())), notServingSince: Now.AddSeconds(-31)) with { NoneServingSince = null },
            typeof(GaleraAction.StopServer), "Disconnected from the group for 31 s"),
        new("a node in a non-Primary component while others serve is left to Galera",
            Snap(ServerStatus.Running, Synced() with { ClusterStatus = "non-Primary", Ready = false }, View("m2", Node("m2", ServerStatus.Running, Synced())), notServingSince: Now.AddSeconds(-300)) with { NoneServingSince = null },
            typeof(GaleraAction.None), "serves neither reads nor writes"),
        new("without etcd nothing changes",
            Snap(ServerStatus.Running, Synced(), null), typeof(GaleraAction.None), "etcd is unreachable"),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_returns_the_expected_action_and_reason(Row row)
    {
        var d = GaleraDecider.Decide(row.Snapshot, Now);
        Assert.IsType(row.Action, d.Action);
        Assert.Contains(row.Reason, d.Reason, StringComparison.Ordinal);
        Assert.False(d.Reason.EndsWith('.'), d.Reason);
    }

    /// <summary>
    /// A killed node's old server stays in the others' group view until it is evicted: a new server joining then makes
    /// the view re-form twice while commits wait, so the joiner waits for the view to drop it (at most the join patience).
    /// </summary>
    [Fact]
    public void A_restarted_node_joins_once_the_group_has_dropped_its_old_server()
    {
        var lingering = View("m2", Node("m2", ServerStatus.Running, Synced()), Node("m3", ServerStatus.Running, Synced()));
        var stopped = Now.AddSeconds(-3);
        var snap = Snap(ServerStatus.Stopped, null, lingering) with { StoppedSince = stopped };
        var wait = GaleraDecider.Decide(snap, Now);
        Assert.IsType<GaleraAction.None>(wait.Action);
        Assert.Contains("to drop the local node's old server", wait.Reason, StringComparison.Ordinal);

        var dropped = View("m2", Node("m2", ServerStatus.Running, Synced() with { ClusterSize = 2 }), Node("m3", ServerStatus.Running, Synced() with { ClusterSize = 2 }));
        Assert.IsType<GaleraAction.Join>(GaleraDecider.Decide(snap with { Cluster = dropped }, Now).Action);

        var patienceOver = snap with { StoppedSince = Now - GaleraOptions.Default.JoinPatience };
        Assert.IsType<GaleraAction.Join>(GaleraDecider.Decide(patienceOver, Now).Action);
    }

    /// <summary>A joiner's state transfer prefers the Synced nodes other than the writer: a donor stops serving, and a donating writer would move writes.</summary>
    [Fact]
    public void A_joiner_prefers_donors_other_than_the_writer()
    {
        var view = View("m2", Node("m2", ServerStatus.Running, Synced()), Node("m3", ServerStatus.Running, Synced()));
        var join = Assert.IsType<GaleraAction.Join>(GaleraDecider.Decide(Snap(ServerStatus.Stopped, null, view), Now).Action);
        Assert.Equal(["m2", "m3"], join.Via);
        Assert.Equal(["m3"], join.Donors);

        var onlyWriter = View("m2", Node("m2", ServerStatus.Running, Synced()), Node("m3", ServerStatus.Stopped, null));
        Assert.Empty(Assert.IsType<GaleraAction.Join>(GaleraDecider.Decide(Snap(ServerStatus.Stopped, null, onlyWriter), Now).Action).Donors);
    }

}
