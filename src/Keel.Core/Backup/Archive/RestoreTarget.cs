using System.Globalization;

namespace Keel.Core.Backup.Archive;

/// <summary>How far a restore replays the archive: everything archived, up to a time, or up to a GTID.</summary>
public abstract record RestoreTarget
{
    /// <summary>Every archived transaction (after losing every member: as close to "now" as the archive got).</summary>
    public sealed record Latest : RestoreTarget
    {
        public override string ToString() => "the newest archived transaction";
    }

    /// <summary>
    /// Every transaction that began before <see cref="Time"/>, none from it on. The binlog records whole seconds,
    /// so the time is a whole second: a transaction's time is the second its first statement started in.
    /// </summary>
    public sealed record BeforeTime(DateTimeOffset Time) : RestoreTarget
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Time.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
    }

    /// <summary>Up to and including <see cref="Gtid"/>.</summary>
    public sealed record ThroughGtid(Gtid.Gtid Gtid) : RestoreTarget
    {
        public override string ToString() => $"GTID {Gtid}";
    }
}
