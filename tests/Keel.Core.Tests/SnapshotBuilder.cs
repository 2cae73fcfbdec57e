using System.Collections.Immutable;
using Keel.Core.Gtid;
using Keel.Core.Model;
using Keel.Core.Timing;

namespace Keel.Core.Tests;

/// <summary>Plain data for decision tests: members m1..m3 on 127.0.0.1:3301..3303, this agent is m1 unless told.</summary>
internal static class SnapshotBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    public const long MyLease = 111;

    public static MemberIdentity Identity(string name, MemberTags? tags = null) =>
        new(name, "127.0.0.1", 3300 + int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture), $"http://127.0.0.1:800{name[1..]}", tags ?? MemberTags.Default);

    public static LocalServer Primary(string binlog = "0-1-10") =>
        new(ServerStatus.Running, 100, false, GtidPosition.Parse(binlog), GtidPosition.Empty, null, true, null);

    public static LocalServer ReadOnlyServer(string binlog = "0-1-10") =>
        new(ServerStatus.Running, 100, true, GtidPosition.Parse(binlog), GtidPosition.Empty, null, null, null);

    public static LocalServer Replica(string of, string received = "0-1-10", bool io = true, bool sql = true, string applied = "0-1-10", int ioErrno = 0)
    {
        var source = Identity(of);
        return new(ServerStatus.Running, 100, true, GtidPosition.Parse(applied), GtidPosition.Parse(applied),
            new ReplicationStatus(source.Host, source.Port, io, sql, GtidPosition.Parse(received), 0, ioErrno, ioErrno == 0 ? "" : "error", 0, ""),
            null, null);
    }

    public static MemberState Member(string name, LocalServer server, MemberRole lastRole = MemberRole.Unknown, MemberTags? tags = null,
        string? lastReceived = null) =>
        MemberStateFactory.FromLocal(Identity(name, tags), server, [], lastRole, 1, Now,
            lastReceived is null ? null : new MemberStateFactory.ReceivedReading(GtidPosition.Parse(lastReceived), Now.AddSeconds(-1)));

    /// <summary>The roster m1..m3, with <paramref name="lastLeader"/> as the last member that took the leader key.</summary>
    public static ClusterView WithRoster(this ClusterView view, string? lastLeader, params string[] names) =>
        view with { Roster = (names.Length == 0 ? ["m1", "m2", "m3"] : names).ToImmutableSortedSet(StringComparer.Ordinal), LastLeader = lastLeader };

    public static ClusterView Cluster(string? leader, params MemberState[] members) =>
        new("m1", leader is null ? null : new LeaderRecord(leader, leader == "m1" ? MyLease : 222, 7),
            members.ToImmutableDictionary(m => m.Name));

    public static LeaseView HealthyLease => new(MyLease, Now.AddSeconds(9), false);

    public static HaSnapshot Snapshot(LocalServer local, ClusterView? cluster, LeaseView? lease = null, string self = "m1", MemberTags? tags = null, MemberRole lastRole = MemberRole.Unknown) =>
        new(Identity(self, tags), local, cluster, lease ?? HealthyLease, TimingRules.Default, lastRole);
}
