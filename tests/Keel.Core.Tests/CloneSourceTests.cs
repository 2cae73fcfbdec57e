using Keel.Core.Clone;
using Keel.Core.Model;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

/// <summary>The clone source rule, one row per line of the table in README.</summary>
public sealed class CloneSourceTests
{
    private static readonly Dictionary<string, int> NoneBusy = [];

    public sealed record Row(string Name, string Self, ClusterView? Cluster, CloneSourceKind Kind, string? Donor, string ReasonPart,
        IReadOnlyDictionary<string, int>? Busy = null, bool Backup = false, bool Throttled = false)
    {
        public override string ToString() => Name;
    }

    // m1 is the primary at 0-1-20 unless a row says otherwise; m4 needs data.
    private static MemberState PrimaryM1 => Member("m1", Primary("0-1-20"));

    private static MemberState Streaming(string name, string applied, string of = "m1", bool io = true) =>
        Member(name, Replica(of, applied: applied, io: io)) with { Following = of };

    public static TheoryData<Row> Rows() =>
    [
        new("a healthy streaming replica is chosen over the primary", "m4",
            Cluster("m1", PrimaryM1, Streaming("m2", "0-1-20", of: "m1")),
            CloneSourceKind.Member, "m2", "healthy streaming replica with the least lag (0 transaction(s) behind m1)"),
        new("the replica with the least lag wins", "m4",
            Cluster("m1", PrimaryM1, Streaming("m2", "0-1-12", of: "m1"), Streaming("m3", "0-1-19", of: "m1")),
            CloneSourceKind.Member, "m3", "least lag (1 transaction(s) behind m1)"),
        new("equal lag: the less busy replica wins", "m4",
            Cluster("m1", PrimaryM1, Streaming("m2", "0-1-20", of: "m1"), Streaming("m3", "0-1-20", of: "m1")),
            CloneSourceKind.Member, "m3", "least lag", Busy: new Dictionary<string, int> { ["m2"] = 1 }),
        new("a replica that does not stream does not serve; the primary does, throttled", "m4",
            Cluster("m1", PrimaryM1, Streaming("m2", "0-1-20", of: "m1", io: false)),
            CloneSourceKind.Member, "m1", "primary m1 (throttled) because no healthy streaming replica", Throttled: true),
        new("a replica of something other than the leader does not serve", "m4",
            Cluster("m1", PrimaryM1, Streaming("m2", "0-1-20", of: "m3")),
            CloneSourceKind.Member, "m1", "no healthy streaming replica", Throttled: true),
        new("the member itself is never its own donor", "m2",
            Cluster("m1", PrimaryM1, Streaming("m2", "0-1-20", of: "m1")),
            CloneSourceKind.Member, "m1", "primary m1", Throttled: true),
        new("no member can serve, a verified backup exists", "m4",
            Cluster(null, Member("m2", LocalServer.Stopped())),
            CloneSourceKind.Backup, null, "newest verified backup", Backup: true),
        new("a read-only primary (still promoting) does not serve", "m4",
            Cluster("m1", Member("m1", ReadOnlyServer("0-1-20"))),
            CloneSourceKind.Refuse, null, "refusing to start empty"),
        new("no member, no backup, never initialised: start empty", "m4",
            Cluster(null) with { InitializedBy = null },
            CloneSourceKind.Empty, null, "never initialised"),
        new("no member, no backup, the cluster has data: refuse", "m4",
            Cluster(null, Member("m2", LocalServer.Stopped())),
            CloneSourceKind.Refuse, null, "refusing to start empty: etcd says the cluster was initialised"),
        new("etcd unreachable: refuse", "m4", null, CloneSourceKind.Refuse, null, "etcd is unreachable"),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_rule_picks_the_source_of_the_table(Row row)
    {
        var choice = CloneSource.Choose(row.Self, row.Cluster, row.Busy ?? NoneBusy, row.Backup);
        Assert.Equal(row.Kind, choice.Kind);
        Assert.Equal(row.Donor, choice.Donor?.Name);
        Assert.Equal(row.Throttled, choice.Throttled);
        Assert.Contains(row.ReasonPart, choice.Reason, StringComparison.Ordinal);
    }
}
