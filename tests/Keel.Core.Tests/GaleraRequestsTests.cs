using Keel.Core.Galera;
using Keel.Core.Model;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

public sealed class GaleraRequestsTests
{
    private const string Uuid = "6b2f0e4c-1111-11ef-8000-000000000001";

    private static MemberState Node(string name, GaleraState g, ServerStatus server = ServerStatus.Stopped) =>
        Member(name, server == ServerStatus.Running ? Primary() : LocalServer.Stopped()) with { Server = server, Galera = g };

    private static GaleraState At(long seqno, string uuid = Uuid) => new() { Recovered = true, ClusterUuid = uuid, Seqno = seqno };

    private static readonly GaleraState Synced = new() { LocalState = GaleraState.Synced, LocalStateComment = "Synced", ClusterStatus = "Primary", Ready = true, ClusterSize = 3, ClusterUuid = Uuid, Seqno = 10 };

    [Fact]
    public void A_forced_bootstrap_says_what_may_be_lost_and_needs_force()
    {
        var view = Cluster(null, Node("m1", At(100)), Node("m2", At(120)), Node("m3", At(90, "aaaaaaaa-0000-0000-0000-000000000000"))).WithRoster(null, "m1", "m2", "m3", "m4");

        var (accepted, message) = GaleraRequests.PlanForcedBootstrap(view, "m1", force: false);

        Assert.False(accepted);
        Assert.Contains("m2 is at seqno 120, 20 write set(s) ahead of m1 (seqno 100): they would be lost", message, StringComparison.Ordinal);
        Assert.Contains("m3 holds another cluster history", message, StringComparison.Ordinal);
        Assert.Contains("m4's position is unknown", message, StringComparison.Ordinal);
        Assert.Contains("Repeat with --force", message, StringComparison.Ordinal);
        Assert.True(GaleraRequests.PlanForcedBootstrap(view, "m1", force: true).Accepted);
    }

    [Fact]
    public void A_forced_bootstrap_is_refused_while_a_node_serves_or_another_bootstraps()
    {
        var serving = Cluster(null, Node("m1", At(100)), Node("m2", Synced, ServerStatus.Running));
        Assert.Contains("m2 serves", GaleraRequests.PlanForcedBootstrap(serving, "m1", force: true).Message, StringComparison.Ordinal);
        var bootstrapping = Cluster(null, Node("m1", At(100))) with { GaleraBootstrap = new("m2", Uuid, 100, Now) };
        Assert.False(GaleraRequests.PlanForcedBootstrap(bootstrapping, "m1", force: true).Accepted);
        Assert.Contains("nothing is lost", GaleraRequests.PlanForcedBootstrap(Cluster(null, Node("m1", At(100)), Node("m2", At(100))), "m1", true).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rolling_restart_takes_the_readers_first_and_the_writer_last_and_only_from_a_whole_cluster()
    {
        var whole = Cluster("m1", Node("m1", Synced, ServerStatus.Running), Node("m2", Synced, ServerStatus.Running), Node("m3", Synced, ServerStatus.Running)).WithRoster(null);
        Assert.Equal(["m2", "m3", "m1"], GaleraRequests.PlanRollingRestart(whole).Order);

        var degraded = whole with { Members = whole.Members.SetItem("m3", Node("m3", Synced with { LocalState = GaleraState.Donor }, ServerStatus.Running)) };
        var (order, message) = GaleraRequests.PlanRollingRestart(degraded);
        Assert.Null(order);
        Assert.Contains("m3 is not Synced", message, StringComparison.Ordinal);
    }
}
