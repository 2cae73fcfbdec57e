using Keel.Core.Timing;

namespace Keel.Core.Model;

/// <summary>
/// Everything one decision may read. <see cref="Cluster"/> is null when etcd could not be read this tick: that is
/// "unknown", never "no leader". <see cref="Lease"/> is null while the agent has no session with etcd.
/// </summary>
public sealed record HaSnapshot(
    MemberIdentity Self,
    LocalServer Local,
    ClusterView? Cluster,
    LeaseView? Lease,
    TimingRules Timing,
    MemberRole LastKnownRole = MemberRole.Unknown);
