namespace Keel.Core.Backup;

/// <summary>When scheduled backups are due: each schedule cuts time into numbered slots, and a slot runs once.</summary>
public interface IBackupSchedule
{
    /// <summary>The start of the latest slot at or before <paramref name="now"/>.</summary>
    DateTimeOffset SlotAt(DateTimeOffset now);

    string Description { get; }
}

/// <summary>`backup.schedule: 6h` (any duration): slots every interval since the Unix epoch, so every agent agrees.</summary>
public sealed record IntervalSchedule(TimeSpan Interval) : IBackupSchedule
{
    public DateTimeOffset SlotAt(DateTimeOffset now)
    {
        var ticks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - ticks % Interval.Ticks);
    }

    public string Description => $"every {Interval}";
}

/// <summary>Whether a scheduled backup is due: a slot newer than the last one taken (etcd key backup/slot).</summary>
public static class BackupSlots
{
    public static bool IsDue(IBackupSchedule schedule, DateTimeOffset? lastSlot, DateTimeOffset now) =>
        lastSlot is not { } last || schedule.SlotAt(now) > last;
}
