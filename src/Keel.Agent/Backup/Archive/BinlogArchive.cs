using System.Globalization;
using Keel.Core.Backup.Archive;

namespace Keel.Agent.Backup.Archive;

/// <summary>
/// The binlog archive inside a backup repository: REPO/binlogs/SEGMENT/FILE, one segment per stream from one
/// primary (named by its start time and the primary: segments sort in the order they were started), holding that
/// primary's binlog files byte for byte. Nothing here is ever rewritten: a new stream makes a new segment, and the
/// timeline reads overlapping segments as one history.
/// </summary>
public sealed class BinlogArchive(string repositoryRoot)
{
    public string Root => Path.Combine(Path.GetFullPath(repositoryRoot), "binlogs");

    public IReadOnlyList<string> Segments() =>
        Directory.Exists(Root) ? [.. Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];

    public string SegmentPath(string segment) => Path.Combine(Root, segment);

    /// <summary>"20261207-101500-123-m2": when the stream started and from which primary.</summary>
    public string NewSegment(DateTimeOffset now, string primary)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:yyyyMMdd-HHmmss-fff}-{primary}");
        Directory.CreateDirectory(SegmentPath(name));
        return name;
    }

    /// <summary>The binlog files of a segment in binlog order (their numbered suffixes sort as text).</summary>
    public IReadOnlyList<string> Files(string segment) =>
        Directory.Exists(SegmentPath(segment))
            ? [.. Directory.GetFiles(SegmentPath(segment)).Select(Path.GetFileName).OfType<string>().Where(IsBinlogName).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Every archived file with its whole transactions, in archive order.</summary>
    public IReadOnlyList<ArchivedFile> ReadAll() =>
        [.. Segments().SelectMany(s => Files(s).Select(f => Read(s, f)))];

    public ArchiveTimeline Timeline() => ArchiveTimeline.Build(ReadAll());

    public ArchivedFile Read(string segment, string file)
    {
        var path = Path.Combine(SegmentPath(segment), file);
        var (events, cursor) = BinlogFileReader.ReadAll(path);
        return new ArchivedFile(segment, file, BinlogTransactions.StartState(events), BinlogTransactions.Group(events))
        {
            Size = cursor.Offset,
            Closed = events.Count > 0 && events[^1].Kind is BinlogEventKind.Rotate or BinlogEventKind.Stop,
        };
    }

    public long TotalBytes() =>
        Directory.Exists(Root) ? Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>"mysql-bin.000012": a base name, a dot, digits; the only names read as binlogs.</summary>
    public static bool IsBinlogName(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot > 0 && dot < name.Length - 1 && name[(dot + 1)..].All(char.IsAsciiDigit);
    }
}
