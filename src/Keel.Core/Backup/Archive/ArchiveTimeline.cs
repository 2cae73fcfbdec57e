using Keel.Core.Gtid;

namespace Keel.Core.Backup.Archive;

/// <summary>One transaction of the archive's history: the file it is replayed from, its index there, and itself.</summary>
public sealed record TimelineEntry(ArchivedFile File, int Index, ArchivedTransaction Transaction)
{
    public Gtid.Gtid Gtid => Transaction.Gtid;
}

/// <summary>Transactions the archive lacks: sequence numbers <see cref="First"/> to <see cref="Last"/> of a domain.</summary>
public sealed record ArchiveGap(uint Domain, ulong First, ulong Last, string Before)
{
    public override string ToString() =>
        First == Last ? $"domain {Domain} transaction {First} is missing before {Before}" : $"domain {Domain} transactions {First} to {Last} are missing before {Before}";
}

/// <summary>
/// The cluster's history as the archive holds it, each transaction once, in the order to replay it.
/// <para>
/// The archive is a list of segments, one per stream from one primary. A new segment starts at a binlog file that
/// began at or before what was archived so far, so segments overlap: a transaction met again (same GTID, same
/// originating server) is a duplicate and kept once. A transaction met again with the same sequence number but
/// another server is a divergence: the former primary wrote, and the archiver copied, transactions no replica had
/// acknowledged, and the new primary went on without them. The newer history wins and the older tail is listed as
/// <see cref="Abandoned"/>, exactly as a former primary's unacknowledged transactions are discarded when it rejoins.
/// </para>
/// </summary>
public sealed record ArchiveTimeline(
    IReadOnlyList<TimelineEntry> Entries,
    GtidPosition Base,
    IReadOnlyList<ArchiveGap> Gaps,
    IReadOnlyList<Gtid.Gtid> Abandoned)
{
    public static readonly ArchiveTimeline Empty = new([], GtidPosition.Empty, [], []);

    public TimelineEntry? First => Entries.Count > 0 ? Entries[0] : null;

    public TimelineEntry? Last => Entries.Count > 0 ? Entries[^1] : null;

    /// <summary>The position after the newest archived transaction (the base where nothing was archived).</summary>
    public GtidPosition End => Entries.Aggregate(Base, (p, e) => p.Union(GtidPosition.Of(e.Gtid)));

    /// <param name="files">Every archived file, segments in the order they were started, files in binlog order.</param>
    public static ArchiveTimeline Build(IEnumerable<ArchivedFile> files)
    {
        var entries = new List<TimelineEntry>();
        var gaps = new List<ArchiveGap>();
        var abandoned = new List<Gtid.Gtid>();
        var baseByDomain = new SortedDictionary<uint, Gtid.Gtid>();
        var last = new Dictionary<uint, ulong>();
        string? segment = null;
        foreach (var file in files)
        {
            var where = $"{file.Segment}/{file.Name}";
            foreach (var (domain, start) in file.StartState.ByDomain)
            {
                if (!last.TryGetValue(domain, out var seen))
                {
                    baseByDomain[domain] = start;
                    last[domain] = start.Sequence;
                }
                else if (file.Segment != segment && start.Sequence > seen)
                {
                    // A stream began past what the archive holds: the primary no longer had the files in between.
                    gaps.Add(new ArchiveGap(domain, seen + 1, start.Sequence, where));
                    last[domain] = start.Sequence;
                }
            }
            segment = file.Segment;
            for (var i = 0; i < file.Transactions.Count; i++)
            {
                var t = file.Transactions[i];
                var domain = t.Gtid.Domain;
                var seen = last.GetValueOrDefault(domain);
                if (t.Gtid.Sequence > seen)
                {
                    if (t.Gtid.Sequence > seen + 1)
                    {
                        gaps.Add(new ArchiveGap(domain, seen + 1, t.Gtid.Sequence - 1, where));
                    }
                    entries.Add(new TimelineEntry(file, i, t));
                    last[domain] = t.Gtid.Sequence;
                    continue;
                }
                var existing = entries.FindLastIndex(e => e.Gtid.Domain == domain && e.Gtid.Sequence == t.Gtid.Sequence);
                if (existing < 0 || entries[existing].Gtid.ServerId == t.Gtid.ServerId)
                {
                    continue; // archived already (or older than the archive's base)
                }
                // Divergence: from here on, this segment's history replaces the older one.
                var dropped = entries.Where(e => e.Gtid.Domain == domain && e.Gtid.Sequence >= t.Gtid.Sequence).ToList();
                abandoned.AddRange(dropped.Select(e => e.Gtid));
                entries.RemoveAll(dropped.Contains);
                gaps.RemoveAll(g => g.Domain == domain && g.First >= t.Gtid.Sequence);
                entries.Add(new TimelineEntry(file, i, t));
                last[domain] = t.Gtid.Sequence;
            }
        }
        var basePosition = baseByDomain.Count == 0 ? GtidPosition.Empty : GtidPosition.Of([.. baseByDomain.Values]);
        return new ArchiveTimeline(entries, basePosition, gaps, abandoned);
    }
}
