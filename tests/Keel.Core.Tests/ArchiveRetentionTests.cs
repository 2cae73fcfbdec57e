using Keel.Core.Backup.Archive;
using Keel.Core.Gtid;

namespace Keel.Core.Tests;

public sealed class ArchiveRetentionTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A closed file of segment <paramref name="segment"/> holding 0-1-first .. 0-1-last.</summary>
    private static ArchivedFile File(string segment, string name, ulong first, ulong last, bool closed = true) =>
        new(segment, name, GtidPosition.Parse($"0-1-{first - 1}"),
            [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(s => new ArchivedTransaction(Gtid.Gtid.Parse($"0-1-{s}"), 0, 1, At))])
        { Closed = closed };

    private static readonly IReadOnlyList<ArchivedFile> Archive =
    [
        File("s1", "mysql-bin.000001", 1, 10),
        File("s1", "mysql-bin.000002", 11, 20),
        File("s1", "mysql-bin.000003", 21, 30),
        File("s2", "mysql-bin.000007", 25, 35),
        File("s2", "mysql-bin.000008", 36, 40, closed: false),
    ];

    [Theory]
    [InlineData("0-1-20", "mysql-bin.000001,mysql-bin.000002")]
    [InlineData("0-1-25", "mysql-bin.000001,mysql-bin.000002")] // file 3 and segment 2's first hold 26 and later
    [InlineData("0-1-35", "mysql-bin.000001,mysql-bin.000002,mysql-bin.000003,mysql-bin.000007")]
    [InlineData("0-1-99", "mysql-bin.000001,mysql-bin.000002,mysql-bin.000003,mysql-bin.000007")] // never the file being written
    [InlineData("0-1-5", "")]
    [InlineData("", "")] // no backup kept: nothing goes
    public void Only_files_the_oldest_backup_already_holds_go(string oldestBackup, string expected)
    {
        var prunable = ArchiveRetention.Prunable(Archive, oldestBackup.Length == 0 ? null : GtidPosition.Parse(oldestBackup));
        Assert.Equal(expected, string.Join(",", prunable.Select(f => f.Name)));
    }

    [Fact]
    public void A_segment_keeps_its_files_contiguous()
    {
        // File 2 is still open in its segment (an archiver that stopped mid-file): file 3 stays too.
        var archive = new[] { File("s1", "a.1", 1, 10), File("s1", "a.2", 11, 20, closed: false), File("s1", "a.3", 21, 30), File("s2", "b.1", 31, 40) };
        Assert.Equal(["a.1"], ArchiveRetention.Prunable(archive, GtidPosition.Parse("0-1-30")).Select(f => f.Name));
    }
}
