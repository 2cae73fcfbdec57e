using System.Globalization;

namespace Keel.Core.Disk;

/// <summary>Sizes as operators write them: "2GB", "500MB", "64KB", or plain bytes (powers of 1024, as df -h shows).</summary>
public static class ByteText
{
    private static readonly (string Suffix, long Factor)[] Units =
        [("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1)];

    public static long? Parse(string text)
    {
        var t = text.Trim().ToUpperInvariant();
        foreach (var (suffix, factor) in Units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal))
            {
                return double.TryParse(t[..^suffix.Length].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0
                    ? (long)(n * factor)
                    : null;
            }
        }
        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var plain) ? plain : null;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 40):0.#} TB"),
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
