using System.Collections.Immutable;
using Keel.Core.Decisions;
using Keel.Core.Model;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

public class HaDeciderTests
{
    public sealed record Case(string Name, HaSnapshot Snapshot, Type Action, string ReasonContains)
    {
        public override string ToString() => Name;
    }

    private static readonly LocalServer Stopped = LocalServer.Stopped();

    public static TheoryData<Case> Cases() => new()
    {
        // Local server life.
        new("a stopped server that holds the leader key releases it first",
            Snapshot(Stopped, Cluster("m1", Member("m2", Replica("m1")))), typeof(HaAction.ReleaseLeadership), "released the leader key"),
        new("a stopped replica is started",
            Snapshot(Stopped, Cluster("m2")), typeof(HaAction.StartServer), "started the local server"),
        new("a stopped server is started even while etcd is unreachable",
            Snapshot(Stopped, null), typeof(HaAction.StartServer), "not running"),
        new("an unknown server (probe timed out) blocks every action",
            Snapshot(LocalServer.Unknown(100, "probe timed out"), Cluster(null, Member("m2", ReadOnlyServer()))), typeof(HaAction.None), "probe timed out"),

        new("a primary whose server has not answered for a TTL releases the leader key",
            Snapshot(LocalServer.Unknown(100, "probe timed out"), Cluster("m1", Member("m2", Replica("m1")))) with { LocalUnknownSince = Now.AddSeconds(-10) },
            typeof(HaAction.ReleaseLeadership), "has not answered for 10 s"),
        new("a primary whose server only just stopped answering keeps the key",
            Snapshot(LocalServer.Unknown(100, "probe timed out"), Cluster("m1", Member("m2", Replica("m1")))) with { LocalUnknownSince = Now.AddSeconds(-9) },
            typeof(HaAction.None), "taking no action until it answers"),
        new("a replica whose server has not answered for long takes no action",
            Snapshot(LocalServer.Unknown(100, "probe timed out"), Cluster("m2", Member("m2", Primary()))) with { LocalUnknownSince = Now.AddSeconds(-60) },
            typeof(HaAction.None), "taking no action until it answers"),

        // etcd unreachable: unknown is not no.
        new("a replica without etcd does nothing",
            Snapshot(Replica("m2"), null), typeof(HaAction.None), "etcd is unreachable"),
        new("a primary without etcd stays writable while its lease is safely valid",
            Snapshot(Primary(), null), typeof(HaAction.None), "keeping the primary writable"),
        new("a primary without etcd demotes itself before its lease can expire",
            Snapshot(Primary(), null, new LeaseView(MyLease, Now.AddSeconds(2), false)), typeof(HaAction.Demote), "lease may expire"),
        new("a primary that lost its session lease demotes itself",
            Snapshot(Primary(), Cluster(null), new LeaseView(MyLease, Now.AddSeconds(-1), true)), typeof(HaAction.Demote), "no valid session lease"),

        // Bootstrap.
        new("an empty member of an uninitialized cluster tries to bootstrap",
            Snapshot(ReadOnlyServer(""), Cluster(null) with { InitializedBy = null }), typeof(HaAction.Bootstrap), "initialize a new cluster"),
        new("a member with data never bootstraps a new cluster",
            Snapshot(ReadOnlyServer("0-1-5"), Cluster(null) with { InitializedBy = null }), typeof(HaAction.None), "refusing to bootstrap"),

        // Leader.
        new("the leader with a read-only server promotes it",
            Snapshot(ReadOnlyServer(), Cluster("m1")), typeof(HaAction.Promote), "holds the leader key"),
        new("the healthy leader does nothing",
            Snapshot(Primary(), Cluster("m1", Member("m2", Replica("m1")))), typeof(HaAction.None), "healthy primary"),
        new("the leader whose lease is about to expire demotes itself",
            Snapshot(Primary(), Cluster("m1"), new LeaseView(MyLease, Now.AddSeconds(1), false)), typeof(HaAction.Demote), "could not be renewed"),
        new("a restarted agent moves its leader key onto its new lease",
            Snapshot(Primary(), Cluster("m1") with { Leader = new LeaderRecord("m1", 999, 7) }), typeof(HaAction.ReclaimLeadership), "new session lease"),

        // A member with no data: the clone source rule (a cluster with data is never joined empty).
        new("a member with no data clones from the healthy streaming replica",
            Snapshot(LocalServer.Stopped(), Cluster("m2", Member("m2", Primary("0-2-30")), Member("m3", Replica("m2", applied: "0-2-30")) with { Following = "m2" }))
                with { LocalDataMissing = true },
            typeof(HaAction.CloneFrom), "cloning from m3"),
        new("a member with no data in a cluster that never held data starts empty",
            Snapshot(LocalServer.Stopped(), Cluster(null) with { InitializedBy = null }) with { LocalDataMissing = true },
            typeof(HaAction.StartServer), "never initialised"),
        new("a member with no data refuses to start empty into a cluster with data when nobody can serve",
            Snapshot(LocalServer.Stopped(), Cluster(null, Member("m2", LocalServer.Stopped()))) with { LocalDataMissing = true },
            typeof(HaAction.None), "refusing to start empty"),
        new("a member with no data restores the newest verified backup when nobody can serve and one exists",
            Snapshot(LocalServer.Stopped(), Cluster(null, Member("m2", LocalServer.Stopped()))) with { LocalDataMissing = true, HasVerifiedBackup = true },
            typeof(HaAction.RestoreBackup), "restoring the newest verified backup because no member can serve a copy"),
        new("a member with no data clones from a member even when a verified backup exists",
            Snapshot(LocalServer.Stopped(), Cluster("m2", Member("m2", Primary("0-2-30")), Member("m3", Replica("m2", applied: "0-2-30")) with { Following = "m2" }))
                with { LocalDataMissing = true, HasVerifiedBackup = true },
            typeof(HaAction.CloneFrom), "cloning from m3"),
        new("a member with no data waits while etcd is unreachable",
            Snapshot(LocalServer.Stopped(), null) with { LocalDataMissing = true },
            typeof(HaAction.None), "etcd is unreachable"),

        // No replica can acknowledge: fail fast instead of hanging, never asynchronous.
        new("a primary with no replica connected for the timeout turns read-only but keeps the key",
            Snapshot(Primary() with { SemiSyncClients = 0 }, Cluster("m1")) with { NoReplicaSince = Now.AddSeconds(-3) },
            typeof(HaAction.HoldWritesForReplicas), "no replica has been connected to acknowledge commits for 3 s"),
        new("a primary whose replicas left only just now stays writable",
            Snapshot(Primary() with { SemiSyncClients = 0 }, Cluster("m1")) with { NoReplicaSince = Now.AddSeconds(-1) },
            typeof(HaAction.None), "healthy primary"),
        new("a primary held for replicas stays read-only while none is connected",
            Snapshot(ReadOnlyServer() with { SemiSyncClients = 0 }, Cluster("m1")) with { HeldForReplicas = true },
            typeof(HaAction.None), "no replica is connected"),
        new("a primary held for replicas is writable again once one connects",
            Snapshot(ReadOnlyServer() with { SemiSyncClients = 1 }, Cluster("m1")) with { HeldForReplicas = true },
            typeof(HaAction.Promote), "writable again because a replica is connected"),
        new("a replica follows a leader that waits for replicas although it is read-only",
            Snapshot(ReadOnlyServer(), Cluster("m2", Member("m2", ReadOnlyServer()) with { WaitingForReplicas = true })),
            typeof(HaAction.Follow), "started replicating from m2"),

        // Followers.
        new("a writable server that is not the leader demotes itself",
            Snapshot(Primary(), Cluster("m2", Member("m2", Primary()))), typeof(HaAction.Demote), "m2 holds the leader key"),
        new("a replica starts following the leader",
            Snapshot(ReadOnlyServer(), Cluster("m2", Member("m2", Primary()))), typeof(HaAction.Follow), "started replicating from m2"),
        new("a replica of the wrong source re-points to the leader",
            Snapshot(Replica("m3"), Cluster("m2", Member("m2", Primary()))), typeof(HaAction.Follow), "started replicating from m2"),
        new("a replica whose threads stopped restarts them",
            Snapshot(Replica("m2", io: false), Cluster("m2", Member("m2", Primary()))), typeof(HaAction.Follow), "restarted replication"),
        new("a streaming replica does nothing",
            Snapshot(Replica("m2"), Cluster("m2", Member("m2", Primary()))), typeof(HaAction.None), "is a replica of m2"),
        new("a streaming replica whose configuration holds a new replication password reconnects with it",
            Snapshot(Replica("m2") with { SourcePasswordFingerprint = "old" }, Cluster("m2", Member("m2", Primary()))) with { ReplicationPasswordFingerprint = "new" },
            typeof(HaAction.Follow), "the configuration holds a new one"),
        new("a streaming replica that uses the configured replication password does nothing",
            Snapshot(Replica("m2") with { SourcePasswordFingerprint = "same" }, Cluster("m2", Member("m2", Primary()))) with { ReplicationPasswordFingerprint = "same" },
            typeof(HaAction.None), "is a replica of m2"),
        new("a replica whose password in use could not be read does nothing (unknown is not a change)",
            Snapshot(Replica("m2"), Cluster("m2", Member("m2", Primary()))) with { ReplicationPasswordFingerprint = "new" },
            typeof(HaAction.None), "is a replica of m2"),
        new("a replica waits for a leader that is still promoting",
            Snapshot(ReadOnlyServer(), Cluster("m2", Member("m2", ReadOnlyServer()))), typeof(HaAction.None), "finish its promotion"),
        new("a diverged replica is not re-pointed blindly (auto_reinit off)",
            Snapshot(Replica("m2", ioErrno: 1236, applied: "0-1-12"), Cluster("m2", Member("m2", Primary("0-2-11")))) with { AutoReinit = false }, typeof(HaAction.None), "errant"),
        new("an errant replica moves its datadir aside to be re-cloned (auto_reinit on)",
            Snapshot(Replica("m2", ioErrno: 1236, applied: "0-1-12"), Cluster("m2", Member("m2", Primary("0-2-11")))), typeof(HaAction.SetDataAside), "errant: 0-1-12 against 0-2-11"),
        new("a replica whose SQL thread stopped on a conflicting GTID (1950) is errant although positions look contained",
            Snapshot(Replica("m2", applied: "0-1-12") with { Replication = Replica("m2").Replication! with { SqlRunning = false, LastSqlErrno = 1950 } },
                Cluster("m2", Member("m2", Primary("0-2-40")))), typeof(HaAction.SetDataAside), "errant"),
        new("a replica the primary refuses to stream to (1236) is errant although positions look contained",
            Snapshot(Replica("m2", ioErrno: 1236, applied: "0-1-12"), Cluster("m2", Member("m2", Primary("0-2-40")))), typeof(HaAction.SetDataAside), "errant: 0-1-12 against 0-2-40"),
        new("an operator's reinit request moves a replica's datadir aside",
            Snapshot(Replica("m2"), Cluster("m2", Member("m2", Primary())) with { ReinitRequested = ["m1"] }), typeof(HaAction.SetDataAside), "asked to re-clone"),
        new("a reinit request with --purge-old moves the datadir aside and purges older copies",
            Snapshot(Replica("m2"), Cluster("m2", Member("m2", Primary())) with { ReinitRequested = ["m1"], PurgeOldRequested = ["m1"] }), typeof(HaAction.SetDataAside), "purge old copies"),
        new("a reinit request for the primary is dropped",
            Snapshot(Primary(), Cluster("m1") with { ReinitRequested = ["m1"] }), typeof(HaAction.DropReinitRequest), "switch over first"),
        new("a reinit request for another member changes nothing here",
            Snapshot(Replica("m2"), Cluster("m2", Member("m2", Primary())) with { ReinitRequested = ["m3"] }), typeof(HaAction.None), "is a replica of m2"),

        // No leader: election.
        new("without a leader a writable server demotes itself",
            Snapshot(Primary(), Cluster(null)), typeof(HaAction.Demote), "nobody holds the leader key"),
        new("without a leader a replica first stops its IO thread",
            Snapshot(Replica("m3"), Cluster(null, Member("m2", ReadOnlyServer("0-1-9")))), typeof(HaAction.StopReplication), "stopped replicating"),
        new("the member with the most received transactions takes the lead",
            Snapshot(Replica("m3", received: "0-3-12", io: false, applied: "0-3-10"), Cluster(null, Member("m2", Replica("m3", received: "0-3-11", io: false, applied: "0-3-11")))),
            typeof(HaAction.AcquireLeadership), "most received transactions"),
        new("a member behind another waits for the better candidate",
            Snapshot(Replica("m3", received: "0-3-10", io: false), Cluster(null, Member("m2", Replica("m3", received: "0-3-12", io: false)))),
            typeof(HaAction.None), "m2 is the better candidate"),
        new("the former primary, as advanced as this member, keeps the lead (etcd dropped every lease at once)",
            Snapshot(Replica("m3", received: "0-2-20", io: false), Cluster(null, Member("m2", Replica("m3", received: "0-2-20", io: false)) with { PrimaryServerIntact = true }).WithRoster("m2", "m1", "m2")),
            typeof(HaAction.None), "m2 is the better candidate"),
        new("a former primary that crashed and restarted gets no preference: equal candidates go by name",
            Snapshot(Replica("m3", received: "0-2-20", io: false), Cluster(null, Member("m2", Replica("m3", received: "0-2-20", io: false))).WithRoster("m2", "m1", "m2")),
            typeof(HaAction.AcquireLeadership), "most received transactions"),
        new("equal candidates are split by priority",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false), tags: new MemberTags(Priority: 200)))),
            typeof(HaAction.None), "m2 is the better candidate"),
        new("equal candidates of equal priority are split by name",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false)))),
            typeof(HaAction.AcquireLeadership), "most received"),
        new("a nofailover member never takes the lead",
            Snapshot(Replica("m3", received: "0-3-99", io: false), Cluster(null, Member("m2", Replica("m3", io: false))), tags: new MemberTags(NoFailover: true)),
            typeof(HaAction.None), "nofailover"),
        new("a nofailover member is skipped by the others",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false), tags: new MemberTags(NoFailover: true, Priority: 999)))),
            typeof(HaAction.AcquireLeadership), "most received"),
        new("a nofailover member that received more blocks a promotion that would lose its transactions",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", received: "0-3-99", io: false), tags: new MemberTags(NoFailover: true)))),
            typeof(HaAction.None), "lacks transactions that m2 has"),
        new("nobody is elected while another member is still writable",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Primary()))), typeof(HaAction.None), "still reports a writable server"),
        new("nobody is elected while another member still replicates from the former primary",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3")))), typeof(HaAction.None), "to stop replicating"),
        new("a down replica that may hold more transactions is waited for",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", LocalServer.Stopped() with { BinlogPosition = Keel.Core.Gtid.GtidPosition.Parse("0-1-12") }, MemberRole.Replica))),
            typeof(HaAction.None), "whose server is down"),
        new("the former primary's unacknowledged tail does not block the election",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", LocalServer.Stopped() with { BinlogPosition = Keel.Core.Gtid.GtidPosition.Parse("0-1-12") }, MemberRole.Primary))),
            typeof(HaAction.AcquireLeadership), "most received"),
        new("a candidate that lacks another member's transactions refuses",
            Snapshot(Replica("m3", received: "0-1-20,1-1-1", io: false, applied: "0-1-20,1-1-1"), Cluster(null, Member("m2", Replica("m3", received: "0-1-10,1-1-2", io: false, applied: "0-1-10,1-1-2")))),
            typeof(HaAction.None), "lacks transactions that m2 has"),

        // Unknown is not no: a member whose received position cannot be read now may hold acknowledged transactions.
        new("a down replica is waited for even when the position it last reported is behind (it may have received more before it stopped)",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Stopped, lastReceived: "0-1-5")).WithRoster("m3")),
            typeof(HaAction.None), "m2, whose server is down (it had received 0-1-5"),
        new("a down replica whose restarted agent reports its role as unknown is waited for",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Stopped, MemberRole.Unknown))),
            typeof(HaAction.None), "whose server is down"),
        new("a replica whose server does not answer is waited for",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", LocalServer.Unknown(100, "probe timed out"), MemberRole.Replica)).WithRoster("m3")),
            typeof(HaAction.None), "m2, whose server is not answering"),
        new("a member on the roster whose agent is silent is waited for (its server may still receive from the former primary)",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false))).WithRoster("m3", "m1", "m2", "m3", "m4")),
            typeof(HaAction.None), "m4, whose agent has published no state"),
        new("a silent member is waited for while no last leader was ever recorded",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false))).WithRoster(null)),
            typeof(HaAction.None), "m3, whose agent has published no state"),
        new("the silent former primary does not block the election",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false))).WithRoster("m3")
                with { Roster = ["m1", "m2", "m3"], LastLeader = "m3" }),
            typeof(HaAction.AcquireLeadership), "most received"),
        new("the down former primary does not block the election even if it reports itself a replica",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m3", Stopped, MemberRole.Replica, lastReceived: "0-1-99"), Member("m2", Replica("m3", io: false))).WithRoster("m3")),
            typeof(HaAction.AcquireLeadership), "most received"),
        new("the old primary takes the key back when the switchover it handed over expired without its target (hung) taking over",
            Snapshot(ReadOnlyServer(), Cluster(null, Member("m3", LocalServer.Unknown(100, "probe timed out"), MemberRole.Replica), Member("m2", ReadOnlyServer())).WithRoster("m1")
                with { Request = new ClusterRequest(RequestKind.Switchover, "m1", "m3", RequestPhase.HandedOver, Now.AddSeconds(-31), "0-1-10") }),
            typeof(HaAction.AcquireLeadership), "expired without m3 taking over"),
        new("while the handed-over switchover is live, the old primary waits for its target",
            Snapshot(ReadOnlyServer(), Cluster(null, Member("m3", LocalServer.Unknown(100, "probe timed out"), MemberRole.Replica), Member("m2", ReadOnlyServer())).WithRoster("m1")
                with { Request = new ClusterRequest(RequestKind.Switchover, "m1", "m3", RequestPhase.HandedOver, Now.AddSeconds(-5), "0-1-10") }),
            typeof(HaAction.None), "waiting for m3 to take over"),
        new("an expired handover gives no right to retake when another member led since",
            Snapshot(ReadOnlyServer(), Cluster(null, Member("m3", LocalServer.Unknown(100, "probe timed out"), MemberRole.Replica), Member("m2", ReadOnlyServer())).WithRoster("m2")
                with { Request = new ClusterRequest(RequestKind.Switchover, "m1", "m3", RequestPhase.HandedOver, Now.AddSeconds(-31), "0-1-10") }),
            typeof(HaAction.None), "unknown is not no"),
        new("only the member that handed over may retake: another replica still waits for the unknown target",
            Snapshot(ReadOnlyServer(), Cluster(null, Member("m3", LocalServer.Unknown(100, "probe timed out"), MemberRole.Replica), Member("m2", ReadOnlyServer())).WithRoster("m2")
                with { Request = new ClusterRequest(RequestKind.Switchover, "m2", "m3", RequestPhase.HandedOver, Now.AddSeconds(-31), "0-1-10") }),
            typeof(HaAction.None), "unknown is not no"),
        new("the old primary does not retake without the position it handed over",
            Snapshot(ReadOnlyServer("0-1-8"), Cluster(null, Member("m3", LocalServer.Unknown(100, "probe timed out"), MemberRole.Replica), Member("m2", ReadOnlyServer("0-1-8"))).WithRoster("m1")
                with { Request = new ClusterRequest(RequestKind.Switchover, "m1", "m3", RequestPhase.HandedOver, Now.AddSeconds(-31), "0-1-10") }),
            typeof(HaAction.None), "unknown is not no"),
        new("a forced failover overrides an unknown member",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Stopped, MemberRole.Replica)).WithRoster("m3")
                with { Request = new ClusterRequest(RequestKind.Failover, "m3", "m1", RequestPhase.Requested, Now) }),
            typeof(HaAction.AcquireLeadership), "target of the forced failover"),

        // A peer's bad record is that peer's problem: it is set aside, it never throws.
        new("a peer whose published position does not parse is set aside and the election goes on",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false)) with { ReceivedPosition = "0-1-not-a-number" }).WithRoster("m3", "m1", "m2", "m3")),
            typeof(HaAction.AcquireLeadership), "set aside the published state of m2"),
        new("a peer whose binlog position does not parse is set aside in a healthy cluster too",
            Snapshot(Primary(), Cluster("m1", Member("m2", Replica("m1")) with { BinlogPosition = "garbage" })),
            typeof(HaAction.None), "set aside the published state of m2"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_returns_the_expected_action_and_reason(Case c)
    {
        var decision = HaDecider.Decide(c.Snapshot, Now);
        Assert.True(decision.Action.GetType() == c.Action, $"{c.Name}: expected {c.Action.Name}, got {decision}");
        Assert.Contains(c.ReasonContains, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_reason_is_one_sentence_without_a_trailing_period()
    {
        foreach (var c in Cases())
        {
            var reason = HaDecider.Decide(c.Snapshot, Now).Reason;
            Assert.DoesNotContain('\n', reason);
            Assert.False(reason.EndsWith('.'), reason);
        }
    }

    [Fact]
    public void Release_and_reclaim_carry_the_fencing_token_of_the_leader_key()
    {
        var release = HaDecider.Decide(Snapshot(LocalServer.Stopped(), Cluster("m1")), Now).Action;
        Assert.Equal(new HaAction.ReleaseLeadership(7), release);
        var cluster = Cluster("m1") with { Leader = new LeaderRecord("m1", 5, 42), Members = ImmutableDictionary<string, MemberState>.Empty };
        Assert.Equal(new HaAction.ReclaimLeadership(42), HaDecider.Decide(Snapshot(Primary(), cluster), Now).Action);
    }

    [Fact]
    public void Follow_targets_the_leaders_published_address()
    {
        var action = HaDecider.Decide(Snapshot(ReadOnlyServer(), Cluster("m3", Member("m3", Primary()))), Now).Action;
        Assert.Equal(new HaAction.Follow("m3", "127.0.0.1", 3303), action);
    }
}

public class HaDeciderRequestTests
{
    private static readonly LocalServer Stopped = LocalServer.Stopped();

    private static ClusterRequest Switchover(string from, string to, RequestPhase phase = RequestPhase.Requested, int ageSeconds = 1) =>
        new(RequestKind.Switchover, from, to, phase, Now.AddSeconds(-ageSeconds));

    private static MemberState Streaming(string name, string of) => Member(name, Replica(of)) with { Following = of };

    [Fact]
    public void The_primary_hands_over_to_a_streaming_target()
    {
        var cluster = Cluster("m1", Streaming("m2", "m1")) with { Request = Switchover("m1", "m2") };
        var d = HaDecider.Decide(Snapshot(Primary(), cluster), Now);
        Assert.Equal(new HaAction.HandOver("m2", "127.0.0.1", 3302, 7), d.Action);
        Assert.Contains("handed over to m2", d.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false, "tagged nofailover")]
    [InlineData(false, true, "is not streaming from this primary")]
    public void The_primary_cancels_a_switchover_to_an_unfit_target(bool nofailover, bool stopped, string why)
    {
        var target = Member("m2", Replica("m1", io: !stopped), tags: new MemberTags(NoFailover: nofailover)) with { Following = "m1" };
        var cluster = Cluster("m1", target) with { Request = Switchover("m1", "m2") };
        var d = HaDecider.Decide(Snapshot(Primary(), cluster), Now);
        Assert.IsType<HaAction.CancelRequest>(d.Action);
        Assert.Contains(why, d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_request_is_cancelled_by_the_primary()
    {
        var cluster = Cluster("m1", Streaming("m2", "m1")) with { Request = Switchover("m1", "m2", ageSeconds: 60) };
        Assert.IsType<HaAction.CancelRequest>(HaDecider.Decide(Snapshot(Primary(), cluster), Now).Action);
    }

    [Fact]
    public void After_the_handover_only_the_target_takes_the_leader_key_even_if_another_is_ahead()
    {
        var request = Switchover("m3", "m1", RequestPhase.HandedOver);
        var other = Member("m2", Replica("m3", received: "0-3-99", io: false, applied: "0-3-99"));
        var asTarget = HaDecider.Decide(Snapshot(Replica("m3", io: false), Cluster(null, other) with { Request = request }), Now);
        Assert.IsType<HaAction.AcquireLeadership>(asTarget.Action);
        Assert.Contains("target of the switchover to m1", asTarget.Reason, StringComparison.Ordinal);

        // Another member does not compete: it starts replicating from the target right away.
        var asOther = HaDecider.Decide(Snapshot(Replica("m3", io: false), Cluster(null, Member("m1", Replica("m3", io: false))) with { Request = request }, self: "m2"), Now);
        Assert.Equal(new HaAction.Follow("m1", "127.0.0.1", 3301), asOther.Action);
        Assert.Contains("ahead of its promotion", asOther.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_handover_the_target_takes_the_key_without_first_stopping_its_own_replication()
    {
        // Still streaming from the old primary, which is read-only and has nothing more to send: promotion drains it.
        var cluster = Cluster(null, Member("m3", ReadOnlyServer("0-3-10")), Streaming("m2", "m3")) with { Request = Switchover("m3", "m1", RequestPhase.HandedOver) };
        var d = HaDecider.Decide(Snapshot(Replica("m3"), cluster), Now);
        Assert.IsType<HaAction.AcquireLeadership>(d.Action);
        Assert.Contains("which the old primary handed over", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_handover_the_old_primary_follows_the_target_too()
    {
        var cluster = Cluster(null, Member("m1", Replica("m3"))) with { Request = Switchover("m3", "m1", RequestPhase.HandedOver) };
        var d = HaDecider.Decide(Snapshot(ReadOnlyServer("0-3-10"), cluster, self: "m3"), Now);
        Assert.Equal(new HaAction.Follow("m1", "127.0.0.1", 3301), d.Action);
    }

    [Fact]
    public void After_the_handover_a_member_already_streaming_from_the_target_waits()
    {
        var cluster = Cluster(null, Member("m1", Replica("m3"))) with { Request = Switchover("m3", "m1", RequestPhase.HandedOver) };
        var d = HaDecider.Decide(Snapshot(Replica("m1"), cluster, self: "m2"), Now);
        Assert.IsType<HaAction.None>(d.Action);
        Assert.Contains("replicating from m1 already", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_handover_a_target_whose_server_is_down_is_not_followed()
    {
        var cluster = Cluster(null, Member("m1", Stopped)) with { Request = Switchover("m3", "m1", RequestPhase.HandedOver) };
        var replicating = HaDecider.Decide(Snapshot(Replica("m3"), cluster, self: "m2"), Now);
        Assert.IsType<HaAction.StopReplication>(replicating.Action);
        Assert.Contains("m1, the target of the switchover to m1, is not running", replicating.Reason, StringComparison.Ordinal);

        var idle = HaDecider.Decide(Snapshot(ReadOnlyServer(), cluster, self: "m2"), Now);
        Assert.IsType<HaAction.None>(idle.Action);
    }

    [Fact]
    public void After_the_handover_a_writable_third_member_still_blocks_everyone()
    {
        var cluster = Cluster(null, Member("m2", Primary()), Member("m1", Replica("m3"))) with { Request = Switchover("m3", "m1", RequestPhase.HandedOver) };
        var d = HaDecider.Decide(Snapshot(Replica("m3"), cluster), Now);
        Assert.IsType<HaAction.None>(d.Action);
        Assert.Contains("m2 still reports a writable server", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_target_still_waits_while_the_old_primary_is_writable()
    {
        var cluster = Cluster(null, Member("m3", Primary())) with { Request = Switchover("m3", "m1", RequestPhase.HandedOver) };
        var d = HaDecider.Decide(Snapshot(Replica("m3", io: false), cluster), Now);
        Assert.IsType<HaAction.None>(d.Action);
        Assert.Contains("still reports a writable server", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forced_failover_target_takes_over_without_being_the_best_candidate()
    {
        var request = new ClusterRequest(RequestKind.Failover, "m3", "m1", RequestPhase.Requested, Now);
        var cluster = Cluster(null, Member("m2", Replica("m3", received: "0-3-50", io: false))) with { Request = request };
        var d = HaDecider.Decide(Snapshot(Replica("m3", received: "0-3-10", io: false), cluster), Now);
        Assert.IsType<HaAction.AcquireLeadership>(d.Action);
        Assert.Contains("forced failover to m1", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void In_maintenance_mode_nothing_automatic_happens_but_a_server_without_cover_still_stops_writes()
    {
        var paused = Cluster(null, Member("m2", Replica("m3", io: false))) with { Paused = true };
        var d = HaDecider.Decide(Snapshot(Replica("m3", io: false), paused), Now);
        Assert.IsType<HaAction.None>(d.Action);
        Assert.StartsWith("PAUSE: ", d.Reason, StringComparison.Ordinal);

        var stopped = HaDecider.Decide(Snapshot(LocalServer.Stopped(), Cluster("m2") with { Paused = true }), Now);
        Assert.IsType<HaAction.None>(stopped.Action);
        Assert.Contains("otherwise: started the local server", stopped.Reason, StringComparison.Ordinal);

        var writable = HaDecider.Decide(Snapshot(Primary(), Cluster("m2", Member("m2", Primary())) with { Paused = true }), Now);
        Assert.IsType<HaAction.Demote>(writable.Action);
    }

    [Fact]
    public void In_maintenance_mode_an_operators_request_is_still_carried_out()
    {
        var request = new ClusterRequest(RequestKind.Failover, "m1", "m2", RequestPhase.Requested, Now);
        var d = HaDecider.Decide(Snapshot(LocalServer.Stopped(), Cluster("m1") with { Paused = true, Request = request }), Now);
        Assert.IsType<HaAction.ReleaseLeadership>(d.Action);
    }

    [Fact]
    public void In_maintenance_mode_a_request_does_not_re_enable_automatic_actions_on_the_members_it_does_not_need()
    {
        var request = new ClusterRequest(RequestKind.Switchover, "m2", "m3", RequestPhase.Requested, Now);
        var stopped = HaDecider.Decide(Snapshot(LocalServer.Stopped(), Cluster("m2") with { Paused = true, Request = request }), Now);
        Assert.IsType<HaAction.None>(stopped.Action);
        Assert.Contains("PAUSE", stopped.Reason, StringComparison.Ordinal);

        var notFrom = new ClusterRequest(RequestKind.Failover, "m3", "m2", RequestPhase.Requested, Now);
        var holder = HaDecider.Decide(Snapshot(LocalServer.Stopped(), Cluster("m1") with { Paused = true, Request = notFrom }), Now);
        Assert.IsType<HaAction.None>(holder.Action);
    }
}

public class HaDeciderStoreLossTests
{
    private static readonly StoreMemory Remembered = new(Initialized: true, HighestRevision: 5000, StaleAtOrBelow: 0);

    [Fact]
    public void A_writable_server_is_made_read_only_at_once_when_etcd_holds_no_cluster()
    {
        var empty = Cluster(null) with { InitializedBy = null };
        var d = HaDecider.Decide(Snapshot(Primary(), empty) with { Memory = Remembered }, Now);
        Assert.IsType<HaAction.Demote>(d.Action);
        Assert.Contains("etcd holds no cluster", d.Reason, StringComparison.Ordinal);
        Assert.IsType<HaAction.Demote>(HaDecider.Decide(Snapshot(Primary(), empty), Now).Action);
    }

    [Fact]
    public void A_member_that_remembers_the_cluster_re_creates_it_and_one_that_does_not_refuses()
    {
        var empty = Cluster(null) with { InitializedBy = null };
        var remembers = HaDecider.Decide(Snapshot(ReadOnlyServer("0-1-9"), empty) with { Memory = Remembered }, Now);
        Assert.IsType<HaAction.Reinitialize>(remembers.Action);
        var forgot = HaDecider.Decide(Snapshot(ReadOnlyServer("0-1-9"), empty) with { Memory = StoreMemory.Nothing }, Now);
        Assert.IsType<HaAction.None>(forgot.Action);
        Assert.Contains("refusing to bootstrap", forgot.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leader_key_from_an_older_snapshot_is_deleted_never_followed_or_reclaimed()
    {
        var memory = Remembered.Observe(Cluster("m2") with { Revision = 300 });
        Assert.Equal(300, memory.StaleAtOrBelow);
        var restored = Cluster("m2", Member("m2", Primary("0-1-5"))) with { Leader = new LeaderRecord("m2", 222, 120), Revision = 310 };
        var follower = HaDecider.Decide(Snapshot(ReadOnlyServer("0-1-9"), restored) with { Memory = memory }, Now);
        Assert.Equal(new HaAction.DeleteStaleLeader(120), follower.Action);
        Assert.Contains("before etcd went back to revision 300", follower.Reason, StringComparison.Ordinal);

        // The member it names does not reclaim it either.
        var named = restored with { Leader = new LeaderRecord("m1", 999, 120) };
        Assert.IsType<HaAction.DeleteStaleLeader>(HaDecider.Decide(Snapshot(ReadOnlyServer(), named) with { Memory = memory }, Now).Action);

        // A leader key created after the store went back is followed as usual.
        var fresh = restored with { Leader = new LeaderRecord("m2", 222, 301) };
        Assert.IsType<HaAction.Follow>(HaDecider.Decide(Snapshot(ReadOnlyServer("0-1-9"), fresh) with { Memory = memory }, Now).Action);
    }

    [Fact]
    public void The_memory_notices_a_store_that_went_back_and_remembers_initialization()
    {
        var m = StoreMemory.Nothing.Observe(Cluster("m1") with { Revision = 10 });
        Assert.Equal(new StoreMemory(true, 10, 0), m);
        Assert.Equal(new StoreMemory(true, 20, 0), m.Observe(Cluster("m1") with { Revision = 20 }));
        Assert.Equal(new StoreMemory(true, 3, 3), m.Observe(Cluster(null) with { InitializedBy = null, Revision = 3 }));
        Assert.Same(m, m.Observe(Cluster("m1") with { Revision = 0 }));
    }
}
