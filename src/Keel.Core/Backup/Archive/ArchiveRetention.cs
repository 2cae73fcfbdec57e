using Keel.Core.Gtid;

namespace Keel.Core.Backup.Archive;

/// <summary>
/// Which archived binlog files no restore can need any more: every restore starts from a backup, and replays only what
/// came after it, so a closed file whose every transaction the oldest kept backup already holds is never read again.
/// Only a segment's leading files go (a segment stays one contiguous stream), and never the newest segment's last
/// file (the archiver may still be writing it). With no backup kept, nothing goes.
/// </summary>
public static class ArchiveRetention
{
    public static IReadOnlyList<ArchivedFile> Prunable(IReadOnlyList<ArchivedFile> files, GtidPosition? oldestBackup)
    {
        if (oldestBackup is null || oldestBackup.IsEmpty || files.Count == 0)
        {
            return [];
        }
        var newest = files[^1];
        var prunable = new List<ArchivedFile>();
        foreach (var segment in files.GroupBy(f => f.Segment, StringComparer.Ordinal))
        {
            foreach (var file in segment)
            {
                var held = file.Closed && file != newest
                    && oldestBackup.Contains(file.StartState)
                    && file.Transactions.All(t => oldestBackup.Contains(GtidPosition.Of(t.Gtid)));
                if (!held)
                {
                    break;
                }
                prunable.Add(file);
            }
        }
        return prunable;
    }
}
