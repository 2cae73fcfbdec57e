namespace Keel.Core.Disk;

/// <summary>How full a member's disks are against the configured thresholds (the worst of its filesystems).</summary>
public enum DiskLevel
{
    /// <summary>Not measured (the agent could not read the filesystem): treated as unknown, never as fine.</summary>
    Unknown,
    Ok,
    /// <summary>Below the warning threshold: `keel status` warns.</summary>
    Low,
    /// <summary>Below the critical threshold: never promoted; as primary it hands over to a member with space.</summary>
    Critical,
}
