using System.Globalization;

namespace Keel.Core.Disk;

/// <summary>
/// A free-space threshold: a share of the filesystem ("10%") or an amount ("2GB", "500MB"). Both forms are common:
/// a share suits disks of any size, an amount says how much room the server needs to finish a switchover.
/// </summary>
public sealed record DiskThreshold(double? Percent, long? Bytes)
{
    public static DiskThreshold OfPercent(double percent) => new(percent, null);

    public static DiskThreshold OfBytes(long bytes) => new(null, bytes);

    /// <summary>True when <paramref name="free"/> of <paramref name="total"/> is under this threshold.</summary>
    public bool IsUnder(long free, long total) =>
        Percent is { } p ? total > 0 && free * 100.0 / total < p : free < Bytes!.Value;

    public override string ToString() => Percent is { } p
        ? p.ToString("0.##", CultureInfo.InvariantCulture) + "%"
        : ByteText.Format(Bytes!.Value);

    /// <summary>Parses "10%", "2GB", "500MB", "64KB" or a plain byte count; null and an error sentence when it cannot.</summary>
    public static (DiskThreshold? Threshold, string? Error) Parse(string text)
    {
        var t = text.Trim();
        if (t.EndsWith('%'))
        {
            return double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p > 0 && p < 100
                ? (OfPercent(p), null)
                : (null, $"'{text}' is not a share between 0 and 100 %, such as 10%");
        }
        var bytes = ByteText.Parse(t);
        return bytes is > 0 ? (OfBytes(bytes.Value), null) : (null, $"'{text}' is neither a share such as 10% nor a size such as 2GB or 500MB");
    }
}
