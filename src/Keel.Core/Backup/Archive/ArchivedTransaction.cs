using Keel.Core.Gtid;

namespace Keel.Core.Backup.Archive;

/// <summary>One whole transaction in an archived binlog file: its GTID, its byte range, and when it started.</summary>
public sealed record ArchivedTransaction(Gtid.Gtid Gtid, long Start, long End, DateTimeOffset At);

/// <summary>
/// One archived binlog file: the segment it belongs to (one stream from one primary), its name, the position the
/// server was at when it began the file (its Gtid_list event), and its whole transactions in file order. A file
/// still being written ends with its last whole transaction; a half-written one is left out until it completes.
/// </summary>
public sealed record ArchivedFile(string Segment, string Name, GtidPosition StartState, IReadOnlyList<ArchivedTransaction> Transactions)
{
    /// <summary>Bytes of the file (what lag in bytes is counted against).</summary>
    public long Size { get; init; }

    /// <summary>The file ends with a Rotate or Stop event: the server moved on to a new file and this one is final.</summary>
    public bool Closed { get; init; }
}
