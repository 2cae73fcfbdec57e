using Keel.Core.Timing;

namespace Keel.Core.Model;

/// <summary>
/// Everything one decision may read. <see cref="Cluster"/> is null when etcd could not be read this tick: that is
/// "unknown", never "no leader". <see cref="Lease"/> is null while the agent has no session with etcd.
/// <see cref="LocalUnknownSince"/> is when the local server first failed to answer a probe in the current run of
/// failures (null while it answers or is stopped). <see cref="Memory"/> is what the agent remembers about the store on
/// its own disk, already updated with this tick's read. <see cref="NoReplicaSince"/>: since when the writable local
/// server has had no semi-sync replica connected. <see cref="HeldForReplicas"/>: this agent made its primary read-only
/// because no replica could acknowledge, and keeps it so until one connects. <see cref="LocalDataMissing"/>: the
/// local datadir holds no initialised server (new member, wiped disk, or moved aside for a re-clone).
/// <see cref="AutoReinit"/>: a replica with errant transactions is re-cloned by itself (config `auto_reinit`).
/// <see cref="LocalDisk"/>: free space on the local filesystems, this tick; <see cref="DiskHandOver"/>: a primary at the
/// critical disk level asks for a switchover to a member with space (config `disk.handover`).
/// <see cref="ReplicationPasswordFingerprint"/>: the fingerprint of the replication password in the configuration now.
/// </summary>
public sealed record HaSnapshot(
    MemberIdentity Self,
    LocalServer Local,
    ClusterView? Cluster,
    LeaseView? Lease,
    TimingRules Timing,
    MemberRole LastKnownRole = MemberRole.Unknown,
    DateTimeOffset? LocalUnknownSince = null,
    StoreMemory? Memory = null,
    DateTimeOffset? NoReplicaSince = null,
    bool HeldForReplicas = false,
    bool LocalDataMissing = false,
    bool AutoReinit = true,
    bool HasVerifiedBackup = false,
    Disk.MemberDisk? LocalDisk = null,
    bool DiskHandOver = true,
    string? ReplicationPasswordFingerprint = null);
