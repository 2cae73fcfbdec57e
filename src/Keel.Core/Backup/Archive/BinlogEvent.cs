using Keel.Core.Gtid;

namespace Keel.Core.Backup.Archive;

/// <summary>The binlog events the archive cares about; every other event is <see cref="Other"/>.</summary>
public enum BinlogEventKind
{
    Other,
    Gtid,
    Xid,
    Query,
    GtidList,
    Rotate,
    Stop,
}

/// <summary>
/// One event of a binlog file: where it starts and ends in the file, when it was written (the binlog keeps whole
/// seconds), and what the archive needs from its body: a GTID event's GTID and standalone flag (a DDL statement is
/// its own transaction), a Query event's text (COMMIT, ROLLBACK, or the statement), a Gtid_list event's position.
/// </summary>
public sealed record BinlogEvent(long Pos, long End, BinlogEventKind Kind, DateTimeOffset At)
{
    public Gtid.Gtid? Gtid { get; init; }

    public bool Standalone { get; init; }

    public string? Query { get; init; }

    public GtidPosition? GtidList { get; init; }
}
