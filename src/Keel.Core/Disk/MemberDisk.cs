using System.Globalization;

namespace Keel.Core.Disk;

/// <summary>
/// Free space on one filesystem a member writes to: <see cref="Role"/> says which ("data", "binlog", or "data and
/// binlog" when they share one). Bytes are rounded down to whole MB so that the published record changes only when
/// the space does.
/// </summary>
public sealed record FilesystemSpace(string Role, string Path, long FreeBytes, long TotalBytes, DiskLevel Level)
{
    public double FreePercent => TotalBytes > 0 ? FreeBytes * 100.0 / TotalBytes : 0;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Role} filesystem ({Path}) has {ByteText.Format(FreeBytes)} free of {ByteText.Format(TotalBytes)} ({FreePercent:0.#} %)");
}

/// <summary>
/// What an agent publishes about its disks: the datadir's filesystem and, when the binlogs live elsewhere, theirs;
/// <see cref="Level"/> is the worst of them; <see cref="Thresholds"/> says against what ("warn below 15%, critical
/// below 5%"). <see cref="Error"/>: why a filesystem could not be read (the level is then Unknown).
/// </summary>
public sealed record MemberDisk(DiskLevel Level, FilesystemSpace Data, FilesystemSpace? Binlog, string Thresholds, string? Error = null)
{
    public IEnumerable<FilesystemSpace> Filesystems => Binlog is null ? [Data] : [Data, Binlog];

    /// <summary>The filesystem that decided the level (the fullest by level, then by share).</summary>
    public FilesystemSpace Worst => Filesystems.OrderByDescending(f => f.Level).ThenBy(f => f.FreePercent).First();

    /// <summary>One sentence for status and decisions: "data and binlog filesystem (/x) has 20 MB free of 1 GB (2 %); critical below 5%".</summary>
    public string Describe() => Error is not null ? $"disk space unknown: {Error}" : $"{Worst.Describe()}; {Thresholds}";

    public static MemberDisk Measure(DiskPolicy policy, FilesystemSpace data, FilesystemSpace? binlog)
    {
        FilesystemSpace Classified(FilesystemSpace f) => f with { Level = policy.Classify(f.FreeBytes, f.TotalBytes) };
        var d = Classified(data);
        var b = binlog is null ? null : Classified(binlog);
        var level = b is null || b.Level <= d.Level ? d.Level : b.Level;
        return new MemberDisk(level, d, b, $"warn below {policy.Warn}, critical below {policy.Critical}");
    }
}
