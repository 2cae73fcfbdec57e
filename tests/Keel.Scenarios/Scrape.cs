using System.Globalization;

namespace Keel.Scenarios;

/// <summary>Reads one agent's /metrics (Prometheus text) the way Prometheus would, for checks on single series.</summary>
internal static class Scrape
{
    public static async Task<string> TextAsync(string apiUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync($"{apiUrl}/metrics");
    }

    /// <summary>
    /// The value of the series <paramref name="name"/> whose labels include every one of <paramref name="labels"/>
    /// ("key=\"value\""), or null when there is none.
    /// </summary>
    public static double? Value(string text, string name, params string[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) || !labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                continue;
            }
            var value = line[(line.LastIndexOf(' ') + 1)..];
            return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return null;
    }
}
