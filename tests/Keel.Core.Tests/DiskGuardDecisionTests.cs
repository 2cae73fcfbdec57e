using Keel.Core.Decisions;
using Keel.Core.Disk;
using Keel.Core.Model;
using Keel.Core.Requests;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

/// <summary>The disk guard's rows of the decision table: a member at the critical level is never promoted, and a primary there hands over.</summary>
public sealed class DiskGuardDecisionTests
{
    private const long Mb = 1L << 20;

    private static MemberDisk Disk(long freeMb, long totalMb = 1000) =>
        MemberDisk.Measure(DiskPolicy.Default, new FilesystemSpace("data and binlog", "/data", freeMb * Mb, totalMb * Mb, DiskLevel.Unknown), null);

    private static MemberState Streaming(string name, string of, long freeMb = 500) =>
        Member(name, Replica(of)) with { Following = of, Disk = Disk(freeMb) };

    [Fact]
    public void A_primary_at_the_critical_level_asks_for_a_switchover_to_the_member_with_space()
    {
        var cluster = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1", freeMb: 20), Streaming("m3", "m1"));

        var d = HaDecider.Decide(Snapshot(Primary(), cluster) with { LocalDisk = Disk(30) }, Now);

        var ask = Assert.IsType<HaAction.RequestSwitchover>(d.Action);
        Assert.Equal("m3", ask.Target);
        Assert.Contains("disk is critically full (data and binlog filesystem (/data) has 30 MB free of 1000 MB (3 %)", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_member_with_space_the_primary_says_so_and_does_nothing()
    {
        var cluster = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1", freeMb: 20), Member("m3", LocalServer.Stopped(), MemberRole.Replica));

        var d = HaDecider.Decide(Snapshot(Primary(), cluster) with { LocalDisk = Disk(30) }, Now);

        Assert.IsType<HaAction.None>(d.Action);
        Assert.StartsWith("DISK FULL SOON", d.Reason, StringComparison.Ordinal);
        Assert.Contains("the disk of m2 is critically full", d.Reason, StringComparison.Ordinal);
        Assert.Contains("the server of m3 is not running", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void With_handover_off_the_primary_stays_and_says_so()
    {
        var cluster = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1"));

        var d = HaDecider.Decide(Snapshot(Primary(), cluster) with { LocalDisk = Disk(30), DiskHandOver = false }, Now);

        Assert.IsType<HaAction.None>(d.Action);
        Assert.Contains("disk.handover is off", d.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100L)] // low, not critical
    [InlineData(900L)]
    public void A_primary_above_the_critical_level_stays(long freeMb)
    {
        var cluster = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1"));

        var d = HaDecider.Decide(Snapshot(Primary(), cluster) with { LocalDisk = Disk(freeMb) }, Now);

        Assert.IsType<HaAction.None>(d.Action);
        Assert.Contains("healthy primary", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_at_the_critical_level_does_not_take_the_leader_key_even_with_the_most_transactions()
    {
        var other = Member("m2", Replica("m3", io: false));

        var d = HaDecider.Decide(Snapshot(Replica("m3", received: "0-3-99", io: false), Cluster(null, other)) with { LocalDisk = Disk(10) }, Now);

        Assert.IsType<HaAction.None>(d.Action);
        Assert.Contains("never promoted while its disk is critically full", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_others_skip_a_full_member_but_never_promote_past_its_transactions()
    {
        var fullBehind = Member("m2", Replica("m3", io: false)) with { Disk = Disk(10) };
        var fullAhead = Member("m2", Replica("m3", received: "0-3-99", io: false)) with { Disk = Disk(10) };

        Assert.IsType<HaAction.AcquireLeadership>(HaDecider.Decide(Snapshot(Replica("m3", io: false), Cluster(null, fullBehind)), Now).Action);
        var blocked = HaDecider.Decide(Snapshot(Replica("m3", io: false), Cluster(null, fullAhead)), Now);
        Assert.IsType<HaAction.None>(blocked.Action);
        Assert.Contains("lacks transactions that m2 has", blocked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_switchover_to_a_full_member_is_refused_and_cancelled()
    {
        var full = Streaming("m2", "m1", freeMb: 10);
        var cluster = Cluster("m1", Member("m1", Primary()), full);

        var plan = RequestPlanner.PlanSwitchover(cluster, "m2", 60, Now);
        Assert.False(plan.Accepted);
        Assert.Contains("the disk of m2 is critically full", plan.Message, StringComparison.Ordinal);

        var request = new ClusterRequest(RequestKind.Switchover, "m1", "m2", RequestPhase.Requested, Now);
        var d = HaDecider.Decide(Snapshot(Primary(), cluster with { Request = request }), Now);
        Assert.IsType<HaAction.CancelRequest>(d.Action);
        Assert.Contains("critically full", d.Reason, StringComparison.Ordinal);
    }
}
