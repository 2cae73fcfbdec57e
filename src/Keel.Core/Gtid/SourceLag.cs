using System.Collections.Immutable;

namespace Keel.Core.Gtid;

/// <summary>
/// Replication lag as Keel measures it, without trusting <c>Seconds_Behind_Master</c> (which reads 0 while semi-sync
/// blocks the primary, and while the IO thread is stuck): the replica's agent notes when it first saw each of the
/// primary's published GTID positions, and its lag is how long ago the primary first had a transaction this replica
/// has not applied yet. Both times come from the replica's own clock, so clock skew between hosts does not enter; the
/// resolution is how often the primary publishes (one loop interval). Written instead of heartbeat rows because
/// those would add transactions of Keel's own to the binlog, which a demoted or isolated primary would then have to
/// truncate.
/// </summary>
public sealed record SourceLag
{
    /// <summary>At most this many positions are kept; beyond it the second-oldest goes, so the oldest (the lag) stays exact.</summary>
    public const int MaxEntries = 1000;

    public static readonly SourceLag None = new(null, []);

    private SourceLag(string? primary, ImmutableList<Seen> entries)
    {
        Primary = primary;
        Entries = entries;
    }

    /// <summary>The primary whose positions are kept; another primary starts a new log.</summary>
    public string? Primary { get; }

    /// <summary>The primary's positions in the order first seen, each ahead of the one before.</summary>
    public ImmutableList<Seen> Entries { get; }

    /// <summary>One of the primary's positions and when this agent first saw it.</summary>
    public sealed record Seen(GtidPosition Position, DateTimeOffset At);

    /// <summary>Notes the primary's published position; a position already noted (or older) changes nothing.</summary>
    public SourceLag Observe(string primary, GtidPosition position, DateTimeOffset at)
    {
        var entries = primary == Primary ? Entries : [];
        if (position.IsEmpty || (entries.Count > 0 && entries[^1].Position.Contains(position)))
        {
            return entries == Entries ? this : new SourceLag(primary, entries);
        }
        entries = entries.Add(new Seen(position, at));
        if (entries.Count > MaxEntries)
        {
            entries = entries.RemoveAt(1);
        }
        return new SourceLag(primary, entries);
    }

    /// <summary>
    /// How far <paramref name="applied"/> is behind the primary: the age of the oldest noted position it does not
    /// contain (zero when it contains them all), and the log without the positions it already contains.
    /// </summary>
    public (TimeSpan Lag, SourceLag Remaining) Measure(GtidPosition applied, DateTimeOffset now)
    {
        var firstMissing = Entries.FindIndex(e => !applied.Contains(e.Position));
        if (firstMissing < 0)
        {
            return (TimeSpan.Zero, Entries.IsEmpty ? this : new SourceLag(Primary, []));
        }
        var lag = now - Entries[firstMissing].At;
        var rest = firstMissing == 0 ? this : new SourceLag(Primary, Entries.RemoveRange(0, firstMissing));
        return (lag < TimeSpan.Zero ? TimeSpan.Zero : lag, rest);
    }
}
