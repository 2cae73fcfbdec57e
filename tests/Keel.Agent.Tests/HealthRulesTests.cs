using Keel.Agent.Api;
using static Keel.Agent.Tests.Ticks;

namespace Keel.Agent.Tests;

public class HealthRulesTests
{
    [Fact]
    public void The_writable_leaseholder_is_the_primary() =>
        Assert.True(HealthRules.IsPrimary(Tick(true, "m1", Now.AddSeconds(9)), Now));

    [Fact]
    public void A_primary_whose_lease_is_about_to_end_stops_answering_200_before_the_next_tick() =>
        Assert.False(HealthRules.IsPrimary(Tick(true, "m1", Now.AddSeconds(9)), Now.AddSeconds(7)));

    [Fact]
    public void A_writable_server_without_the_leader_key_is_not_the_primary() =>
        Assert.False(HealthRules.IsPrimary(Tick(true, "m2", Now.AddSeconds(9)), Now));

    [Fact]
    public void A_stale_tick_answers_nothing_healthy()
    {
        var old = Tick(true, "m1", Now.AddSeconds(60), at: Now.AddSeconds(-30));
        Assert.False(HealthRules.IsPrimary(old, Now));
        Assert.False(HealthRules.IsLive(old, Now));
        Assert.False(HealthRules.IsHealthy(old, Now));
    }

    [Fact]
    public void A_replica_streaming_from_the_leader_is_a_replica() =>
        Assert.True(HealthRules.IsStreamingReplica(Tick(false, "m2", Now, From(3302)), Now));

    [Fact]
    public void A_replica_of_someone_else_or_with_a_stopped_thread_is_not()
    {
        Assert.False(HealthRules.IsStreamingReplica(Tick(false, "m2", Now, From(3399)), Now));
        Assert.False(HealthRules.IsStreamingReplica(Tick(false, "m2", Now, From(3302, io: false)), Now));
        Assert.False(HealthRules.IsStreamingReplica(Tick(false, null, Now, From(3302)), Now));
    }

    [Fact]
    public void No_tick_yet_means_no_everywhere()
    {
        Assert.False(HealthRules.IsPrimary(null, Now));
        Assert.False(HealthRules.IsStreamingReplica(null, Now));
        Assert.False(HealthRules.IsLive(null, Now));
    }

    /// <summary>Galera: /primary on the serving writer key holder only, unless multi-writer; neither on a node that does not serve.</summary>
    [Theory]
    [InlineData(true, "m1", false, true, false)]
    [InlineData(true, "m2", false, false, true)]
    [InlineData(true, "m2", true, true, true)]
    [InlineData(false, "m1", false, false, false)]
    [InlineData(false, "m2", true, false, false)]
    public void In_galera_mode_primary_follows_the_writer_key_or_every_serving_node_with_multi_writer(bool serves, string writer, bool multiWriter, bool primary, bool replica)
    {
        var t = Tick(true, writer, Now.AddSeconds(9)) with { GaleraServes = serves, GaleraMultiWriter = multiWriter };
        Assert.Equal(primary, HealthRules.IsPrimary(t, Now));
        Assert.Equal(replica, HealthRules.IsStreamingReplica(t, Now));
    }
}
