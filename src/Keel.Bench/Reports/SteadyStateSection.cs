using System.Globalization;
using System.Text;

namespace Keel.Bench.Reports;

/// <summary>
/// The steady-state table and the ratios it exists for: what the HA path and semi-sync cost compared with
/// going straight to the primary.
/// </summary>
internal static class SteadyStateSection
{
    internal const string HaPath = "through read-write endpoint";
    internal const string Direct = "direct to primary";
    internal const string SemiSyncOn = "semi-sync on";
    internal const string SemiSyncOff = "semi-sync off";

    public static void Write(StringBuilder md, IReadOnlyList<SteadyState> steady)
    {
        md.Append("## Steady state\n\n");
        if (steady.Count == 0)
        {
            md.Append("No steady-state measurements.\n");
            return;
        }
        md.Append("| name | TPS | p95 ms |\n|---|---:|---:|\n");
        foreach (var s in steady)
        {
            md.Append("| ").Append(MarkdownReport.Cell(s.Name))
                .Append(" | ").Append(ReportNumbers.Tps(s.Figures.Tps))
                .Append(" | ").Append(ReportNumbers.Milliseconds(s.Figures.P95LatencyMs)).Append(" |\n");
        }

        var lines = new[]
        {
            Ratio(steady, HaPath, Direct, "HA path keeps {0} % of direct TPS"),
            Ratio(steady, SemiSyncOn, SemiSyncOff, "semi-sync on keeps {0} % of semi-sync off TPS"),
        }.OfType<string>().ToArray();
        if (lines.Length > 0)
        {
            md.Append('\n');
            foreach (var line in lines)
                md.Append("- ").Append(line).Append('\n');
        }
    }

    /// <summary>The ratio sentence, or null when either measurement is missing (nothing to compare).</summary>
    private static string? Ratio(IReadOnlyList<SteadyState> steady, string measured, string baseline, string format)
    {
        var m = Find(steady, measured);
        var b = Find(steady, baseline);
        if (m is null || b is null)
            return null;
        var latency = string.Create(CultureInfo.InvariantCulture,
            $"p95 {ReportNumbers.Milliseconds(m.P95LatencyMs)} ms vs {ReportNumbers.Milliseconds(b.P95LatencyMs)} ms");
        if (b.Tps <= 0)
            return $"{measured} vs {baseline}: no ratio, {baseline} measured 0 TPS ({latency})";
        var percent = Math.Round(100 * m.Tps / b.Tps, MidpointRounding.AwayFromZero);
        return string.Format(CultureInfo.InvariantCulture, format, percent) + $" ({latency})";
    }

    private static SysbenchFigures? Find(IReadOnlyList<SteadyState> steady, string name) =>
        steady.FirstOrDefault(s => string.Equals(s.Name.Trim(), name, StringComparison.OrdinalIgnoreCase))?.Figures;
}
