using System.Globalization;

namespace Keel.Core.Backup.Archive;

/// <summary>
/// The binlog archiver as it last reported (etcd key archive/status, under the archiver's lease: it vanishes when the
/// archiver dies): who archives whom, the newest archived transaction, and how far behind the primary it is in bytes
/// of binlog and in seconds (time since the newest archived event, while bytes are missing; 0 when caught up).
/// </summary>
public sealed record ArchiveStatus(
    string Member,
    string? Primary,
    string? Segment,
    string? LastGtid,
    DateTimeOffset? LastEventAt,
    long BytesBehind,
    double SecondsBehind,
    DateTimeOffset At,
    string? Problem = null)
{
    /// <summary>Behind by more than this, <c>keel status</c> warns (a restore to "now" would miss that much).</summary>
    public static readonly TimeSpan WarnBehind = TimeSpan.FromSeconds(30);

    public string Describe() => Primary is null
        ? $"binlog archive: {Member} holds the archiver lock and waits for a primary"
        : string.Create(CultureInfo.InvariantCulture,
            $"binlog archive: {Member} streams {Primary}'s binlogs into segment {Segment}; {BytesBehind} bytes and {SecondsBehind:0.0} s behind; newest archived transaction {LastGtid ?? "none yet"}");
}
