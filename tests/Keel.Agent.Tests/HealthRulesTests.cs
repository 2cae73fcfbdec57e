using System.Collections.Immutable;
using Keel.Agent.Api;
using Keel.Agent.Ha;
using Keel.Core.Decisions;
using Keel.Core.Gtid;
using Keel.Core.Model;
using Keel.Core.Timing;

namespace Keel.Agent.Tests;

public class HealthRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly MemberIdentity Me = new("m1", "127.0.0.1", 3301, "http://127.0.0.1:8001", MemberTags.Default);

    private static TickResult Tick(bool writable, string? leader, DateTimeOffset leaseUntil, ReplicationStatus? replication = null, DateTimeOffset? at = null)
    {
        var local = new LocalServer(ServerStatus.Running, 1, !writable, GtidPosition.Empty, GtidPosition.Empty, replication, true, null);
        var members = ImmutableDictionary<string, MemberState>.Empty
            .Add("m2", new MemberState { Name = "m2", Host = "127.0.0.1", Port = 3302, ApiUrl = "" });
        var cluster = new ClusterView("m1", leader is null ? null : new LeaderRecord(leader, 7, 3), members);
        var snapshot = new HaSnapshot(Me, local, cluster, new LeaseView(7, leaseUntil, false), TimingRules.Default);
        var published = MemberStateFactory.FromLocal(Me, local, members.Values, MemberRole.Unknown, 1, Now);
        return new TickResult(snapshot, Decision.Nothing("test"), published, at ?? Now);
    }

    private static ReplicationStatus From(int port, bool io = true) =>
        new("127.0.0.1", port, io, true, GtidPosition.Empty, 0, 0, "", 0, "");

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
