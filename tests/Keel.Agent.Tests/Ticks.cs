using System.Collections.Immutable;
using Keel.Agent.Ha;
using Keel.Core.Decisions;
using Keel.Core.Gtid;
using Keel.Core.Model;
using Keel.Core.Timing;

namespace Keel.Agent.Tests;

/// <summary>One HA tick's result as the API and the metrics read it: member m1 on a running server, m2 beside it.</summary>
internal static class Ticks
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    public static readonly MemberIdentity Me = new("m1", "127.0.0.1", 3301, "http://127.0.0.1:8001", MemberTags.Default);

    public static TickResult Tick(bool writable, string? leader, DateTimeOffset leaseUntil, ReplicationStatus? replication = null, DateTimeOffset? at = null)
    {
        var local = new LocalServer(ServerStatus.Running, 1, !writable, GtidPosition.Empty, GtidPosition.Empty, replication, true, null);
        var members = ImmutableDictionary<string, MemberState>.Empty
            .Add("m2", new MemberState { Name = "m2", Host = "127.0.0.1", Port = 3302, ApiUrl = "" });
        var cluster = new ClusterView("m1", leader is null ? null : new LeaderRecord(leader, 7, 3), members);
        var snapshot = new HaSnapshot(Me, local, cluster, new LeaseView(7, leaseUntil, false), TimingRules.Default);
        var published = MemberStateFactory.FromLocal(Me, local, members.Values, MemberRole.Unknown, 1, Now);
        return new TickResult(snapshot, Decision.Nothing("test"), published, at ?? Now);
    }

    /// <summary>A replica's replication status, streaming from port <paramref name="port"/>.</summary>
    public static ReplicationStatus From(int port, bool io = true, long? behind = 0) =>
        new("127.0.0.1", port, io, true, GtidPosition.Empty, behind, 0, "", 0, "");
}
