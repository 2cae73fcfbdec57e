using Keel.Core.Decisions;
using Keel.Core.Model;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

/// <summary>
/// "Why nothing happens": while nobody holds the leader key, a decision to do nothing names its reason in a stable
/// code (Blockers), which keel status, /cluster and the metrics carry.
/// </summary>
public sealed class BlockerTests
{
    public static TheoryData<string, HaSnapshot, string> Cases() => new()
    {
        { "another member still writable", Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Primary()))), Blockers.WritableMember },
        { "another member still replicating from the former primary", Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3")))), Blockers.MemberStillReplicating },
        {
            "a down member that may hold more transactions",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", LocalServer.Stopped() with { BinlogPosition = Gtid.GtidPosition.Parse("0-1-12") }, MemberRole.Replica))),
            Blockers.UnknownPosition
        },
        { "a better candidate", Snapshot(Replica("m3", received: "0-3-10", io: false), Cluster(null, Member("m2", Replica("m3", received: "0-3-12", io: false)))), Blockers.BetterCandidate },
        {
            "a nofailover member that received more",
            Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", received: "0-3-99", io: false), tags: new MemberTags(NoFailover: true)))),
            Blockers.LacksTransactions
        },
        { "tagged nofailover", Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false))), tags: new MemberTags(NoFailover: true)), Blockers.NoFailoverTag },
        { "paused", Snapshot(Replica("m3", io: false), Cluster(null, Member("m2", Replica("m3", io: false))) with { Paused = true }), Blockers.Paused },
        { "etcd unreachable", Snapshot(Replica("m3", io: false), null), Blockers.StoreUnreachable },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_member_that_does_not_take_over_says_why_in_a_code(string name, HaSnapshot snapshot, string blocker)
    {
        _ = name;
        var d = HaDecider.Decide(snapshot, Now);
        Assert.IsType<HaAction.None>(d.Action);
        Assert.Equal(blocker, d.Blocker);
    }

    [Fact]
    public void Taking_over_or_following_a_leader_blocks_nothing()
    {
        var elect = HaDecider.Decide(Snapshot(Replica("m3", received: "0-3-12", io: false, applied: "0-3-10"), Cluster(null, Member("m2", Replica("m3", received: "0-3-11", io: false, applied: "0-3-11")))), Now);
        Assert.IsType<HaAction.AcquireLeadership>(elect.Action);
        Assert.Null(elect.Blocker);
        var follow = HaDecider.Decide(Snapshot(Replica("m2"), Cluster("m2", Member("m2", Primary()))), Now);
        Assert.Null(follow.Blocker);
    }

    [Fact]
    public void Keel_status_lists_each_members_blocker_while_there_is_no_primary()
    {
        var view = Cluster(null,
            Member("m2", Replica("m3", io: false)) with { Blocked = new BlockedBy(Blockers.UnknownPosition, "nobody holds the leader key; waiting for m3") },
            Member("m3", LocalServer.Stopped()));
        var status = Status.ClusterStatus.From("prod", view, []);
        Assert.Equal([new Status.MemberBlocker("m2", Blockers.UnknownPosition, "nobody holds the leader key; waiting for m3")], status.Blockers);
        Assert.Contains(status.Warnings, w => w == "m2 does not take over (unknown_position): nobody holds the leader key; waiting for m3");

        var led = Cluster("m2", Member("m2", Primary()) with { Blocked = new BlockedBy(Blockers.Paused, "stale") });
        Assert.Empty(Status.ClusterStatus.From("prod", led, []).Blockers);
    }
}
