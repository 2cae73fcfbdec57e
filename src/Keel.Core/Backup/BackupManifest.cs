namespace Keel.Core.Backup;

/// <summary>
/// What one backup in the repository is (manifest.json beside the data, written last, so a backup without one is
/// unfinished): where and when it was taken, the GTID position it is consistent with, its sizes and the XxHash128 of
/// the mbstream inside, the versions that made it, and the last verification.
/// </summary>
public sealed record BackupManifest(
    string Id,
    string Member,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    string GtidPosition,
    long StreamBytes,
    long StoredBytes,
    string Checksum,
    string KeelVersion,
    string MariaDbVersion,
    BackupVerification? Verification = null)
{
    public TimeSpan Duration => FinishedAt - StartedAt;
}

/// <summary>A restore of the backup into a scratch directory, a throwaway server on it and CHECK TABLE: passed or why not.</summary>
public sealed record BackupVerification(DateTimeOffset At, bool Passed, string Detail);

/// <summary>How the last backup went (etcd key backup/last): shown by `keel status` when it failed.</summary>
public sealed record BackupOutcome(string Id, string Member, DateTimeOffset At, bool Succeeded, string Message);

/// <summary>An operator's or the schedule's request for a backup (etcd key backup/request), taken by <see cref="Source"/>'s agent.</summary>
public sealed record BackupRequest(string Id, string Source, DateTimeOffset RequestedAt, string By);

/// <summary>A backup in progress (etcd key backup/progress, under the taker's lease): bytes so far, rate, time left.</summary>
public sealed record BackupProgress(string Id, string Member, long Bytes, long ExpectedBytes, double BytesPerSecond, DateTimeOffset At);
