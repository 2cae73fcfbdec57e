using System.Globalization;

namespace Keel.Agent.Configuration;

/// <summary>Durations as operators write them: <c>250ms</c>, <c>2s</c>, <c>1.5s</c>, <c>1m</c>, <c>6h</c>, <c>1d</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 1.0),
            _ when text.EndsWith('s') => (text[..^1], 1000.0),
            _ when text.EndsWith('m') => (text[..^1], 60_000.0),
            _ when text.EndsWith('h') => (text[..^1], 3_600_000.0),
            _ when text.EndsWith('d') => (text[..^1], 86_400_000.0),
            _ => ("", 0),
        };
        if (scale == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0 || !double.IsFinite(n)
            || n * scale >= TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }
        value = TimeSpan.FromMilliseconds(n * scale);
        return true;
    }

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0}s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0}ms");
}
