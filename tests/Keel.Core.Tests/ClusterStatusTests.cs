using Keel.Core.Model;
using Keel.Core.Status;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

public class ClusterStatusTests
{
    private static readonly (string, string)[] Expected = [("m1", "127.0.0.1:3301"), ("m2", "127.0.0.1:3302"), ("m3", "127.0.0.1:3303")];

    private static MemberState Streaming(string name, string of) =>
        Member(name, Replica(of)) with { Following = of };

    [Fact]
    public void A_healthy_cluster_has_one_running_primary_streaming_replicas_and_no_warnings()
    {
        var view = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1"), Streaming("m3", "m1"));
        var status = ClusterStatus.From("c", view, Expected);
        Assert.Equal(["primary/running", "replica/streaming", "replica/streaming"], status.Rows.Select(r => $"{r.Role}/{r.State}"));
        Assert.Empty(status.Warnings);
    }

    [Fact]
    public void Rows_carry_keels_measured_lag_beside_seconds_behind_master()
    {
        // Semi-sync blocking: the server says 0, Keel's measure says 4.2 s.
        var view = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1") with { LagSeconds = 0, MeasuredLagSeconds = 4.2 }, Streaming("m3", "m1"));
        var rows = ClusterStatus.From("c", view, Expected).Rows.ToDictionary(r => r.Member);
        Assert.Equal(4.2, rows["m2"].MeasuredLagSeconds);
        Assert.Equal(0, rows["m2"].LagSeconds);
        Assert.Null(rows["m3"].MeasuredLagSeconds);
    }

    [Fact]
    public void Old_datadirs_a_member_keeps_are_a_note_not_a_warning()
    {
        var view = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1") with { OldDataDirs = ["/d/m2/data.reinit-20261207-030607"] }, Streaming("m3", "m1"));
        var status = ClusterStatus.From("c", view, Expected);
        Assert.Empty(status.Warnings);
        Assert.Equal(["m2 keeps 1 old datadir(s) moved aside by re-clones (`keel reinit m2 --purge-old` removes them): /d/m2/data.reinit-20261207-030607"], status.Notes);
    }

    [Fact]
    public void A_clone_in_progress_is_a_note_with_its_progress()
    {
        var view = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1"), Member("m3", ReadOnlyServer()) with { Activity = "cloning from m2: 1.0 MB of 2.0 MB (50 %), 1.0 MB/s, about 1 s left" });
        var status = ClusterStatus.From("c", view, Expected);
        Assert.Contains("m3: cloning from m2: 1.0 MB of 2.0 MB (50 %), 1.0 MB/s, about 1 s left", status.Notes);
    }

    [Fact]
    public void A_member_without_a_key_is_unreachable_with_a_warning_like_repmgr()
    {
        var view = Cluster("m1", Member("m1", Primary()), Streaming("m2", "m1"));
        var status = ClusterStatus.From("c", view, Expected);
        var m3 = status.Rows.Single(r => r.Member == "m3");
        Assert.Equal(("unreachable", "127.0.0.1:3303"), (m3.State, m3.Address));
        Assert.Contains(status.Warnings, w => w.StartsWith("unable to reach the agent of m3", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_are_listed_under_the_table()
    {
        var broken = Member("m2", Replica("m1", io: false, ioErrno: 2003)) with { Following = "m1", LastError = "error connecting to master" };
        var view = Cluster(null, Member("m1", Primary()), broken, Member("m3", LocalServer.Stopped(), MemberRole.Replica));
        var status = ClusterStatus.From("c", view, Expected);
        Assert.Contains("nobody holds the leader key: there is no primary right now", status.Warnings);
        Assert.Contains(status.Warnings, w => w == "m1 is writable but does not hold the leader key");
        Assert.Contains(status.Warnings, w => w == "m2 is not replicating from the primary: error connecting to master");
        Assert.Contains(status.Warnings, w => w.StartsWith("m3 has no running server", StringComparison.Ordinal));
        Assert.Equal("stopped", status.Rows.Single(r => r.Member == "m3").State);
    }
}
