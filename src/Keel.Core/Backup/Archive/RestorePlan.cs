using System.Globalization;
using Keel.Core.Gtid;

namespace Keel.Core.Backup.Archive;

/// <summary>A byte range of one archived file to replay, holding whole transactions, in order.</summary>
public sealed record ReplayRange(string Segment, string File, long Start, long End, IReadOnlyList<Gtid.Gtid> Transactions);

/// <summary>What a restore does: this backup, then these ranges of the archive, ending at this position.</summary>
public sealed record RestorePlan(BackupManifest Backup, IReadOnlyList<ReplayRange> Ranges, GtidPosition End, DateTimeOffset? LastTransactionAt)
{
    public int TransactionCount => Ranges.Sum(r => r.Transactions.Count);
}

/// <summary>
/// Chooses the backup and the archive ranges for a restore, or says why it cannot be done and what can. Pure.
/// </summary>
public static class RestorePlanner
{
    public static (RestorePlan? Plan, string? Refusal) Plan(IReadOnlyList<BackupManifest> backups, ArchiveTimeline archive, string? backupId, RestoreTarget target)
    {
        var usable = backups.Where(b => b.Verification?.Passed != false).OrderBy(b => b.FinishedAt).ToList();
        if (backupId is null && usable.Count == 0)
        {
            return (null, backups.Count == 0 ? "there is no backup in the repository to restore from" : "every backup in the repository failed verification");
        }
        var range = Range(usable, archive);
        BackupManifest? backup;
        if (backupId is not null)
        {
            backup = backups.FirstOrDefault(b => b.Id == backupId);
            if (backup is null)
            {
                return (null, $"there is no backup {backupId} (backups: {string.Join(", ", backups.Select(b => b.Id).DefaultIfEmpty("none"))})");
            }
            if (!Precedes(backup, target, archive))
            {
                return (null, $"backup {backup.Id} (finished {Time(backup.FinishedAt)}, at {Position(backup)}) is not before {target}; {range}");
            }
        }
        else
        {
            backup = usable.LastOrDefault(b => Precedes(b, target, archive));
            if (backup is null)
            {
                return (null, $"{target} is before the oldest backup; {range}");
            }
        }
        var from = GtidPosition.Parse(backup.GtidPosition);
        if (!from.IsEmpty && !archive.Base.IsEmpty && from.CompareWith(archive.Base) is GtidOrder.Behind && archive.Entries.Count > 0)
        {
            return (null, $"the archive starts at {archive.Base}, after backup {backup.Id} (at {backup.GtidPosition}): the transactions in between were never archived; {range}");
        }
        var replay = new List<TimelineEntry>();
        foreach (var e in archive.Entries)
        {
            if (from.Contains(GtidPosition.Of(e.Gtid)))
            {
                continue; // in the backup already
            }
            if ((target is RestoreTarget.BeforeTime t && e.Transaction.At >= t.Time)
                || (target is RestoreTarget.ThroughGtid past && e.Gtid.Domain == past.Gtid.Domain && e.Gtid.Sequence > past.Gtid.Sequence))
            {
                break;
            }
            replay.Add(e);
            if (target is RestoreTarget.ThroughGtid g && e.Gtid == g.Gtid)
            {
                break;
            }
        }
        switch (target)
        {
            case RestoreTarget.ThroughGtid g when !from.Contains(GtidPosition.Of(g.Gtid)) && (replay.Count == 0 || replay[^1].Gtid != g.Gtid):
                return (null, $"GTID {g.Gtid} is not in the archive; {range}");
            case RestoreTarget.BeforeTime t when archive.Last is { } newest && t.Time > newest.Transaction.At.AddSeconds(1):
                return (null, $"{target} is after the newest archived transaction ({newest.Gtid} at {Time(newest.Transaction.At)}); {range}");
            case RestoreTarget.BeforeTime t when archive.Last is null && t.Time > backup.FinishedAt:
                return (null, $"{target} is after backup {backup.Id} and the binlog archive is empty; {range}");
        }
        var end = replay.Aggregate(from, (p, e) => p.Union(GtidPosition.Of(e.Gtid)));
        var gap = archive.Gaps.FirstOrDefault(g =>
            from.ByDomain.GetValueOrDefault(g.Domain).Sequence < g.First
            && end.ByDomain.TryGetValue(g.Domain, out var reached) && reached.Sequence >= g.First);
        if (gap is not null)
        {
            return (null, $"the archive has a gap: {gap}; restore to a point before it");
        }
        return (new RestorePlan(backup, Ranges(replay), end, replay.Count > 0 ? replay[^1].Transaction.At : null), null);
    }

    /// <summary>"the restorable range is 2026-12-07 10:00:00 UTC (backup X) to 10:42:13 UTC (GTID 0-2-5310)".</summary>
    public static string Range(IReadOnlyList<BackupManifest> usable, ArchiveTimeline archive)
    {
        if (usable.Count == 0)
        {
            return "there is no usable backup";
        }
        var oldest = usable[0];
        var newest = archive.Last is { } last && !GtidPosition.Parse(usable[^1].GtidPosition).Contains(GtidPosition.Of(last.Gtid))
            ? $"{Time(last.Transaction.At.AddSeconds(1))} (GTID {last.Gtid}, the newest archived transaction)"
            : $"{Time(usable[^1].FinishedAt)} (backup {usable[^1].Id}, at {Position(usable[^1])}; nothing archived after it)";
        return $"the restorable range is {Time(oldest.FinishedAt)} (backup {oldest.Id}, at {Position(oldest)}) to {newest}";
    }

    /// <summary>The backup holds nothing the target excludes.</summary>
    private static bool Precedes(BackupManifest backup, RestoreTarget target, ArchiveTimeline archive) => target switch
    {
        RestoreTarget.BeforeTime t => backup.FinishedAt <= t.Time,
        RestoreTarget.ThroughGtid g => GtidPosition.Parse(backup.GtidPosition).ByDomain.GetValueOrDefault(g.Gtid.Domain).Sequence <= g.Gtid.Sequence,
        _ => true,
    };

    /// <summary>
    /// At most this many transactions per range: each range is one mariadb-binlog run whose output is held in memory,
    /// and the restore reports progress after each.
    /// </summary>
    public const int MaxTransactionsPerRange = 10_000;

    /// <summary>Consecutive transactions of one file make one range (one mariadb-binlog run), up to the cap.</summary>
    private static List<ReplayRange> Ranges(List<TimelineEntry> replay)
    {
        var ranges = new List<ReplayRange>();
        var i = 0;
        while (i < replay.Count)
        {
            var j = i;
            while (j + 1 < replay.Count && replay[j + 1].File == replay[i].File && replay[j + 1].Index == replay[j].Index + 1 && j + 1 - i < MaxTransactionsPerRange)
            {
                j++;
            }
            var file = replay[i].File;
            ranges.Add(new ReplayRange(file.Segment, file.Name, replay[i].Transaction.Start, replay[j].Transaction.End,
                [.. replay.Skip(i).Take(j - i + 1).Select(e => e.Gtid)]));
            i = j + 1;
        }
        return ranges;
    }

    private static string Position(BackupManifest b) => b.GtidPosition.Length > 0 ? $"GTID {b.GtidPosition}" : "an empty GTID position";

    private static string Time(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
}
