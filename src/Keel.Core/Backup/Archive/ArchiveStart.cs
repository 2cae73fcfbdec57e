using Keel.Core.Gtid;

namespace Keel.Core.Backup.Archive;

/// <summary>One binlog file of the primary and the position the primary was at when it began it (its Gtid_list).</summary>
public sealed record PrimaryBinlog(string File, GtidPosition Start);

/// <summary>
/// Which binlog file of the (new) primary a stream into the archive starts from: the newest one that began at a
/// point the archive holds. Everything after that point is in that file or later ones, so nothing is skipped, and
/// what is fetched twice is kept once by <see cref="ArchiveTimeline"/>. "Holds" means the very transaction (same
/// server), not just its sequence number: a file that began after transactions only a failed primary had is not
/// a safe start.
/// </summary>
public static class ArchiveStart
{
    public static (string File, string Reason) Choose(IReadOnlyList<PrimaryBinlog> files, ArchiveTimeline archive)
    {
        if (files.Count == 0)
        {
            throw new ArgumentException("the primary lists no binlog file", nameof(files));
        }
        if (archive.Entries.Count == 0 && archive.Base.IsEmpty)
        {
            return (files[0].File, $"the archive is empty, so it starts with the primary's oldest binlog {files[0].File}");
        }
        var start = files.LastOrDefault(f => Holds(archive, f.Start));
        return start is not null
            ? (start.File, $"{start.File} began at {Describe(start.Start)}, which the archive holds, so the stream continues it with no gap")
            : (files[0].File, $"the primary's oldest binlog {files[0].File} began at {Describe(files[0].Start)}, past the archive's end {archive.End}: the binlogs in between are gone, and the archive will have a gap");
    }

    /// <summary>Every GTID of <paramref name="position"/> is an archived transaction or at or before the archive's base.</summary>
    public static bool Holds(ArchiveTimeline archive, GtidPosition position) =>
        position.ByDomain.Values.All(g =>
            (archive.Base.ByDomain.TryGetValue(g.Domain, out var b) && b.Sequence >= g.Sequence)
            || archive.Entries.Any(e => e.Gtid == g));

    private static string Describe(GtidPosition p) => p.IsEmpty ? "the empty position" : p.ToString();
}
