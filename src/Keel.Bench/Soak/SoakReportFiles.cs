using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Bench.Soak;

/// <summary>Writes a soak's report.md and report.json.</summary>
public static class SoakReportFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IReadOnlyList<string> WriteAll(SoakReport report, string dir)
    {
        Directory.CreateDirectory(dir);
        var md = Path.Combine(dir, "report.md");
        var json = Path.Combine(dir, "report.json");
        File.WriteAllText(md, Markdown(report), Utf8);
        File.WriteAllText(json, JsonSerializer.Serialize(report, SoakJson.Default.SoakReport), Utf8);
        return [md, json];
    }

    /// <summary>One sentence: what a reader of the report wants to know first.</summary>
    public static string Conclusion(SoakReport r)
    {
        var minutes = F(r.DurationSeconds / 60, "0.#");
        var failovers = r.NeedlessFailovers == 0 ? $"no needless failover in {minutes} min" : $"{r.NeedlessFailovers} needless leader change(s) in {minutes} min";
        var lost = r.AcknowledgedLost == 0 ? "0 acknowledged writes lost" : $"{r.AcknowledgedLost} ACKNOWLEDGED WRITES LOST";
        var brain = r.SplitBrainWindows == 0 ? "no split brain" : $"{r.SplitBrainWindows} SPLIT-BRAIN WINDOWS";
        return $"{failovers}; longest write pause {F(r.LongestWritePauseSeconds, "0.00")} s; {r.FailedWrites} failed writes; {lost}; {brain}";
    }

    public static string Markdown(SoakReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Keel soak: {F(r.DurationSeconds / 60, "0.#")} min of steady load, no fault");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{r.Machine}, started {r.StartedAt:yyyy-MM-dd HH:mm:ss} UTC.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"**{Conclusion(r)}.**");
        sb.AppendLine();
        var tps = r.SysbenchPhases.Select(p => p.Tps).Order().ToList();
        var p95 = r.SysbenchPhases.Select(p => p.P95LatencyMs).Order().ToList();
        sb.AppendLine("| figure | value |");
        sb.AppendLine("|---|---|");
        Row(sb, "duration", $"{F(r.DurationSeconds, "0")} s");
        Row(sb, "primary at start / at end", $"{r.PrimaryAtStart} / {r.PrimaryAtEnd}");
        Row(sb, "needless failovers (leader changes)", r.NeedlessFailovers.ToString(CultureInfo.InvariantCulture));
        Row(sb, "acknowledged writes (write checker)", r.AcknowledgedWrites.ToString(CultureInfo.InvariantCulture));
        Row(sb, "failed writes", r.FailedWrites.ToString(CultureInfo.InvariantCulture));
        Row(sb, "longest pause between acknowledged writes", $"{F(r.LongestWritePauseSeconds, "0.000")} s");
        Row(sb, "longest read-only window", $"{F(r.ReadOnlyWindowSeconds, "0.000")} s");
        Row(sb, "acknowledged writes lost", r.AcknowledgedLost.ToString(CultureInfo.InvariantCulture));
        Row(sb, "split-brain windows", r.SplitBrainWindows.ToString(CultureInfo.InvariantCulture));
        Row(sb, "highest replica lag seen", r.MaxReplicaLagSeconds is { } lag ? $"{lag} s" : "-");
        Row(sb, "member keys missing (member-seconds)", r.MemberKeyGaps.ToString(CultureInfo.InvariantCulture));
        Row(sb, "sysbench phases (failed)", $"{r.SysbenchPhases.Count} ({r.SysbenchFailedPhases})");
        if (tps.Count > 0)
        {
            Row(sb, "sysbench TPS min / median / max", $"{F(tps[0], "0.0")} / {F(Median(tps), "0.0")} / {F(tps[^1], "0.0")}");
            Row(sb, "sysbench p95 latency median / max", $"{F(Median(p95), "0.0")} / {F(p95[^1], "0.0")} ms");
        }
        if (r.LeaderChanges.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Leader changes");
            sb.AppendLine();
            foreach (var c in r.LeaderChanges)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- at {F(c.AtSeconds, "0.0")} s: {c.From ?? "none"} -> {c.To ?? "none"} ({c.Reason})");
            }
        }
        if (r.Problems.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Problems seen by the load and the watcher");
            sb.AppendLine();
            foreach (var f in r.Problems)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {f}");
            }
        }
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string name, string value) => sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SoakReport))]
internal sealed partial class SoakJson : JsonSerializerContext;
