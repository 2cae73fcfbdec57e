namespace Keel.Core.Gtid;

/// <summary>One row of <c>SHOW RELAYLOG EVENTS IN 'file'</c>: the event's relay-log file and offset, its type and text.</summary>
public sealed record RelayEvent(string File, long Pos, string Type, string Info);

/// <summary>A byte range of one relay-log file holding whole transactions to apply; <see cref="Stop"/> null: to the end.</summary>
public sealed record RelayRange(string File, long Start, long? Stop, IReadOnlyList<Gtid> Transactions);

/// <summary>
/// Which transactions a restarted replica's relay log holds beyond what it applied. MariaDB in GTID mode discards the
/// relay log when replication starts again after a restart, and its Gtid_IO_Pos is empty until then, so without this
/// a replica that acknowledged transactions and crashed before applying them would both under-report what it received
/// and, at its next START SLAVE, lose them. Only whole transactions count: one cut off by the crash (no COMMIT or XID
/// event yet) was never acknowledged (semi-sync acknowledges after the whole event group is in the relay log).
/// </summary>
public static class RelayLogPlan
{
    /// <summary>The ranges to apply, in relay-log order, of whole transactions not in <paramref name="applied"/>.</summary>
    public static IReadOnlyList<RelayRange> Unapplied(IReadOnlyList<RelayEvent> events, GtidPosition applied)
    {
        var ranges = new List<RelayRange>();
        List<Gtid>? run = null;
        string runFile = "";
        long runStart = 0;
        long? runStop = null;
        Group? open = null;

        void Close()
        {
            if (run is { Count: > 0 })
            {
                ranges.Add(new RelayRange(runFile, runStart, runStop, run));
            }
            run = null;
        }

        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (run is not null && e.File != runFile)
            {
                Close();
            }
            if (e.Type == "Gtid" && TryParseGtid(e.Info, out var gtid, out var standalone))
            {
                // A new group: one still open here was cut off and never completed.
                open = new Group(gtid, e.Pos, standalone);
                continue;
            }
            if (open is null)
            {
                continue;
            }
            var text = e.Info.Trim();
            if (e.Type == "Query" && !open.Standalone && text.Equals("ROLLBACK", StringComparison.OrdinalIgnoreCase))
            {
                open = null;
                continue;
            }
            var completes = e.Type == "Xid"
                || (e.Type == "Query" && (open.Standalone || text.Equals("COMMIT", StringComparison.OrdinalIgnoreCase)));
            if (!completes)
            {
                continue;
            }
            var group = open;
            open = null;
            if (applied.Contains(GtidPosition.Of(group.Gtid)))
            {
                // Already applied: it ends any run, which must not replay it (gtid_strict_mode would refuse it).
                Close();
                continue;
            }
            if (run is null)
            {
                run = [];
                runFile = e.File;
                runStart = group.Start;
            }
            run.Add(group.Gtid);
            // The run stops where the next event of this file begins (the end of the file when there is none).
            runStop = i + 1 < events.Count && events[i + 1].File == e.File ? events[i + 1].Pos : null;
        }
        Close();
        return ranges;
    }

    /// <summary>Every whole transaction the relay log holds beyond <paramref name="applied"/>, added to it.</summary>
    public static GtidPosition Received(IReadOnlyList<RelayEvent> events, GtidPosition applied) =>
        Unapplied(events, applied).SelectMany(r => r.Transactions)
            .Aggregate(applied, (pos, g) => pos.Union(GtidPosition.Of(g)));

    // "BEGIN GTID 0-1-5" opens a transaction closed by XID or COMMIT; "GTID 0-1-5" is one statement (DDL) closed by
    // its own Query event. Either may carry a suffix (" cid=..." for a group commit id).
    private static bool TryParseGtid(string info, out Gtid gtid, out bool standalone)
    {
        gtid = default;
        var parts = info.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        standalone = !(parts.Length > 0 && parts[0].Equals("BEGIN", StringComparison.OrdinalIgnoreCase));
        var at = standalone ? 0 : 1;
        return parts.Length > at + 1 && parts[at].Equals("GTID", StringComparison.OrdinalIgnoreCase)
            && Gtid.TryParse(parts[at + 1], out gtid);
    }

    private sealed record Group(Gtid Gtid, long Start, bool Standalone);
}
