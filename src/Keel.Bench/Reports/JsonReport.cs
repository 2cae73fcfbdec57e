using System.Text.Json;

namespace Keel.Bench.Reports;

/// <summary>Every raw measurement of a benchmark, for later analysis or for comparing two runs.</summary>
public static class JsonReport
{
    public static string Write(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // Always "\n": the file is compared across machines and committed next to other reports.
        return JsonSerializer.Serialize(report, ReportJson.Default.BenchReport).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    public static BenchReport Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, ReportJson.Default.BenchReport)
            ?? throw new JsonException("The report is JSON null.");
    }
}
