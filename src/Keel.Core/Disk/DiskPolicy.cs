namespace Keel.Core.Disk;

/// <summary>
/// The `disk` section: warn below <see cref="Warn"/>, critical below <see cref="Critical"/>; a primary at the critical
/// level hands over to a member with space when <see cref="HandOver"/> (the default), before the server stops with
/// "disk full".
/// </summary>
public sealed record DiskPolicy(DiskThreshold Warn, DiskThreshold Critical, bool HandOver = true)
{
    public static readonly DiskPolicy Default = new(DiskThreshold.OfPercent(15), DiskThreshold.OfPercent(5));

    public DiskLevel Classify(long free, long total) =>
        Critical.IsUnder(free, total) ? DiskLevel.Critical
        : Warn.IsUnder(free, total) ? DiskLevel.Low
        : DiskLevel.Ok;
}
