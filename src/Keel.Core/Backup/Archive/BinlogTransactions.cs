using Keel.Core.Gtid;

namespace Keel.Core.Backup.Archive;

/// <summary>
/// The whole transactions of one binlog file's events. A GTID event opens a group; an XID event, a COMMIT query, or
/// for a standalone group (DDL) its one query, closes it. A group cut off by the end of what was read (the file is
/// still being written, or the server died mid-write) is left out: it is either completed later or was never
/// committed. A group that ends in ROLLBACK (a non-transactional table touched in a rolled-back transaction) holds
/// no data change to replay and is left out too.
/// </summary>
public static class BinlogTransactions
{
    public static IReadOnlyList<ArchivedTransaction> Group(IEnumerable<BinlogEvent> events)
    {
        var whole = new List<ArchivedTransaction>();
        BinlogEvent? open = null;
        foreach (var e in events)
        {
            if (e.Kind == BinlogEventKind.Gtid && e.Gtid is not null)
            {
                open = e;
                continue;
            }
            if (open is null)
            {
                continue;
            }
            var text = e.Query?.Trim() ?? "";
            if (e.Kind == BinlogEventKind.Query && !open.Standalone && text.Equals("ROLLBACK", StringComparison.OrdinalIgnoreCase))
            {
                open = null;
                continue;
            }
            var completes = e.Kind == BinlogEventKind.Xid
                || (e.Kind == BinlogEventKind.Query && (open.Standalone || text.Equals("COMMIT", StringComparison.OrdinalIgnoreCase)));
            if (completes)
            {
                whole.Add(new ArchivedTransaction(open.Gtid!.Value, open.Pos, e.End, open.At));
                open = null;
            }
        }
        return whole;
    }

    /// <summary>The position a file began at (its Gtid_list event), empty when it has none (a server's first file).</summary>
    public static GtidPosition StartState(IEnumerable<BinlogEvent> events) =>
        events.FirstOrDefault(e => e.Kind == BinlogEventKind.GtidList)?.GtidList ?? GtidPosition.Empty;
}
