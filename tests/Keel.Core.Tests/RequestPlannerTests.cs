using Keel.Core.Model;
using Keel.Core.Requests;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

public class RequestPlannerTests
{
    private static MemberState Streaming(string name, string received = "0-1-10", long lag = 0, MemberTags? tags = null) =>
        Member(name, Replica("m1", received: received, applied: received), tags: tags) with { Following = "m1", LagSeconds = lag };

    private static ClusterView Healthy(params MemberState[] replicas) => Cluster("m1", [Member("m1", Primary()), .. replicas]);

    [Fact]
    public void Without_a_target_the_best_streaming_replica_is_chosen()
    {
        var plan = RequestPlanner.PlanSwitchover(Healthy(Streaming("m2", "0-1-9"), Streaming("m3", "0-1-10")), null, 10, Now);
        Assert.True(plan.Accepted, plan.Message);
        Assert.Equal(new ClusterRequest(RequestKind.Switchover, "m1", "m3", RequestPhase.Requested, Now), plan.Request);
    }

    [Theory]
    [InlineData("m1", "m1 is already the primary")]
    [InlineData("m9", "m9 is unreachable")]
    [InlineData("m2", "m2 lags 30 s behind the primary, more than the limit of 10 s")]
    [InlineData("m3", "m3 is tagged nofailover")]
    public void A_bad_target_is_refused_with_the_reason(string to, string reason)
    {
        var view = Healthy(Streaming("m2", lag: 30), Streaming("m3", tags: new MemberTags(NoFailover: true)));
        var plan = RequestPlanner.PlanSwitchover(view, to, 10, Now);
        Assert.False(plan.Accepted);
        Assert.Contains(reason, plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_switchover_without_a_healthy_primary_or_while_busy_but_maintenance_mode_does_not_block_it()
    {
        Assert.Contains("no healthy primary", RequestPlanner.PlanSwitchover(Cluster(null, Streaming("m2")), null, 10, Now).Message, StringComparison.Ordinal);
        Assert.True(RequestPlanner.PlanSwitchover(Healthy(Streaming("m2")) with { Paused = true }, null, 10, Now).Accepted);
        var busy = Healthy(Streaming("m2")) with { Request = new ClusterRequest(RequestKind.Switchover, "m1", "m2", RequestPhase.Requested, Now) };
        Assert.Contains("already in progress", RequestPlanner.PlanSwitchover(busy, null, 10, Now).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forced_failover_says_what_may_be_lost_and_needs_force()
    {
        var view = Cluster(null, Member("m2", Replica("m1", received: "0-1-10", io: false)), Member("m3", Replica("m1", received: "0-1-14", io: false)));
        var refused = RequestPlanner.PlanFailover(view, "m2", force: false, Now);
        Assert.False(refused.Accepted);
        Assert.Contains("m3 has 4 transaction(s) that m2 lacks", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        var forced = RequestPlanner.PlanFailover(view, "m2", force: true, Now);
        Assert.True(forced.Accepted);
        Assert.Equal(RequestKind.Failover, forced.Request!.Kind);
    }

    [Fact]
    public void A_forced_failover_is_refused_while_the_primary_is_healthy() =>
        Assert.Contains("healthy primary", RequestPlanner.PlanFailover(Healthy(Streaming("m2")), "m2", true, Now).Message, StringComparison.Ordinal);

    [Fact]
    public void A_forced_failover_names_a_member_whose_record_does_not_parse_as_a_possible_loss()
    {
        var view = Cluster(null, Member("m2", Replica("m1", received: "0-1-10", io: false)), Member("m3", Replica("m1", io: false)) with { ReceivedPosition = "0-1-x" });
        var refused = RequestPlanner.PlanFailover(view, "m2", force: false, Now);
        Assert.Contains("what m3 holds is unknown", refused.Message, StringComparison.Ordinal);
        Assert.True(RequestPlanner.PlanFailover(view, "m2", force: true, Now).Accepted);
    }

    [Fact]
    public void A_forced_failover_names_a_down_or_silent_member_as_a_possible_loss_but_not_the_former_primary()
    {
        var view = Cluster(null, Member("m2", Replica("m1", received: "0-1-10", io: false)), Member("m3", LocalServer.Stopped(), MemberRole.Replica, lastReceived: "0-1-9"))
            with { Roster = ["m1", "m2", "m3", "m4"], LastLeader = "m1" };
        var refused = RequestPlanner.PlanFailover(view, "m2", force: false, Now);
        Assert.Contains("what m3 holds is unknown (its server is not running", refused.Message, StringComparison.Ordinal);
        Assert.Contains("what m4 holds is unknown (its agent has published no state)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("what m1 holds", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Member_add_takes_only_a_new_name_in_an_initialized_cluster()
    {
        var view = Healthy(Streaming("m2")) with { Roster = ["m1", "m2", "m3"] };
        Assert.True(RequestPlanner.PlanMemberAdd(view, "m4").Accepted);
        Assert.Contains("already a member", RequestPlanner.PlanMemberAdd(view, "m3").Message, StringComparison.Ordinal); // on the roster, agent down
        Assert.Contains("already a member", RequestPlanner.PlanMemberAdd(view, "m2").Message, StringComparison.Ordinal);
        Assert.Contains("not initialized", RequestPlanner.PlanMemberAdd(view with { InitializedBy = null }, "m4").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("m3", true, "removed m3 from etcd's roster")]
    [InlineData("m1", false, "m1 is the primary; switch over first")]
    [InlineData("m2", false, "the agent of m2 still runs")]
    [InlineData("m9", false, "m9 is not a member")]
    public void Member_remove_is_only_for_a_stopped_replica(string member, bool accepted, string message)
    {
        var view = Healthy(Streaming("m2")) with { Roster = ["m1", "m2", "m3"] };
        var plan = RequestPlanner.PlanMemberRemove(view, member);
        Assert.Equal(accepted, plan.Accepted);
        Assert.Contains(message, plan.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Member_remove_never_leaves_a_single_member()
    {
        var view = Healthy() with { Roster = ["m1", "m2"] };
        Assert.Contains("would leave one member", RequestPlanner.PlanMemberRemove(view, "m2").Message, StringComparison.Ordinal);
    }
}
