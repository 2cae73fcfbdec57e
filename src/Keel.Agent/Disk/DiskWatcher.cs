using Keel.Core.Disk;

namespace Keel.Agent.Disk;

/// <summary>
/// Reads free space on the datadir's filesystem and, when the binlogs live elsewhere, on theirs (statfs through
/// <see cref="DriveInfo"/>; cheap enough for every tick). <paramref name="freeSpace"/> is for tests.
/// </summary>
public sealed class DiskWatcher(string dataDir, string binlogDir, DiskPolicy policy, Func<string, (long Free, long Total)>? freeSpace = null)
{
    private const long Mb = 1L << 20;

    private readonly Func<string, (long Free, long Total)> _freeSpace = freeSpace ?? Statfs;

    public DiskPolicy Policy => policy;

    public MemberDisk Measure()
    {
        var shared = Path.GetFullPath(binlogDir).TrimEnd('/') == Path.GetFullPath(dataDir).TrimEnd('/');
        try
        {
            var data = Read(shared ? "data and binlog" : "data", dataDir);
            var binlog = shared ? null : Read("binlog", binlogDir);
            return MemberDisk.Measure(policy, data, binlog);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            var unknown = new FilesystemSpace(shared ? "data and binlog" : "data", dataDir, 0, 0, DiskLevel.Unknown);
            return new MemberDisk(DiskLevel.Unknown, unknown, null, $"warn below {policy.Warn}, critical below {policy.Critical}", ex.Message);
        }
    }

    private FilesystemSpace Read(string role, string dir)
    {
        // The datadir may not exist yet (a member about to clone): its parent is on the same filesystem.
        var existing = dir;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }
        var (free, total) = _freeSpace(existing);
        // Whole MB, so that the published record changes only when the space does.
        return new FilesystemSpace(role, dir, free / Mb * Mb, total / Mb * Mb, DiskLevel.Unknown);
    }

    private static (long Free, long Total) Statfs(string dir)
    {
        var drive = new DriveInfo(dir);
        return (drive.AvailableFreeSpace, drive.TotalSize);
    }
}
