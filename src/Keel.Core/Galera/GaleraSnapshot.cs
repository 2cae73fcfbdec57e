using Keel.Core.Model;

namespace Keel.Core.Galera;

/// <summary>The `galera` options: how long a full-outage recovery waits for nodes that may be more advanced, and whether a Donor node serves reads.</summary>
public sealed record GaleraOptions(TimeSpan RecoveryWait, bool DonorServes = false)
{
    /// <summary>How long a local server may stay outside any Primary Component while no node serves anywhere before it is stopped for the recovery.</summary>
    public TimeSpan JoinPatience { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A stopped node joins only after this long: when every server dies at once, the others' records still say they
    /// serve for a moment, and a joiner with nobody to join only waits.
    /// </summary>
    public TimeSpan JoinSettle { get; init; } = TimeSpan.FromSeconds(2);

    public static readonly GaleraOptions Default = new(TimeSpan.FromSeconds(60));
}

/// <summary>
/// Everything one Galera decision may read. <see cref="Local"/> is this node's state (null while its server is not
/// running and no position was recovered); <see cref="NoPrimarySince"/> is when this agent first saw no node in a
/// Primary Component while its own server was stopped (the recovery wait counts from there); <see cref="NotServingSince"/>
/// is since when the local server, running or not answering, has not served; <see cref="StoppedSince"/> since when it
/// has been stopped; <see cref="NoneServingSince"/> since when no other node has served (by their records).
/// </summary>
public sealed record GaleraSnapshot(
    MemberIdentity Self,
    ServerStatus Server,
    GaleraState? Local,
    ClusterView? Cluster,
    LeaseView? Lease,
    GaleraOptions Options,
    DateTimeOffset? NoPrimarySince = null,
    DateTimeOffset? NotServingSince = null,
    DateTimeOffset? StoppedSince = null,
    DateTimeOffset? NoneServingSince = null);
