using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Bench.Backup;

/// <summary>The figures of `keel bench backup`, with the issue's goal: primary TPS during a backup from a replica ≥ 0.95 of without.</summary>
public sealed record BackupBenchReport(
    string Machine,
    DateTimeOffset Started,
    int Tables,
    string Source,
    IReadOnlyList<double> RawSeconds,
    double RawStoredBytes,
    IReadOnlyList<double> KeelSeconds,
    double StreamBytes,
    double KeelStoredBytes,
    double TpsWithout,
    double TpsDuringBackup,
    double TpsPhaseSeconds,
    IReadOnlyList<string> BackupIds)
{
    public const double TpsGoal = 0.95;

    public double RawMbPerSecond => StreamBytes / 1e6 / BenchDataset.Median(RawSeconds);
    public double KeelMbPerSecond => StreamBytes / 1e6 / BenchDataset.Median(KeelSeconds);
    public double Ratio => RawMbPerSecond > 0 ? KeelMbPerSecond / RawMbPerSecond : 0;
    public double TpsRatio => TpsWithout > 0 ? TpsDuringBackup / TpsWithout : 0;

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"# keel bench backup ({Machine}, {Started:yyyy-MM-dd HH:mm} UTC)");
        b.AppendLine();
        b.AppendLine(c, $"Dataset: {Tables} sysbench tables of {BenchDataset.RowsPerTable:N0} rows; {StreamBytes / 1e6:0} MB of mbstream per backup, from {Source}.");
        b.AppendLine();
        b.AppendLine("| backup | runs | seconds (median) | MB/s | stored MB |");
        b.AppendLine("|---|---|---|---|---|");
        b.AppendLine(c, $"| raw `mariabackup --stream \\| zstd -1 -T0 > file` | {RawSeconds.Count} | {BenchDataset.Median(RawSeconds):0.0} | {RawMbPerSecond:0} | {RawStoredBytes / 1e6:0} |");
        b.AppendLine(c, $"| `keel backup` (hashed, niced, manifest, from the chosen replica) | {KeelSeconds.Count} | {BenchDataset.Median(KeelSeconds):0.0} | {KeelMbPerSecond:0} ({Ratio:0.00} of raw) | {KeelStoredBytes / 1e6:0} |");
        b.AppendLine();
        b.AppendLine("| primary TPS (sysbench oltp_read_write, 4 threads, read-write endpoint) | TPS |");
        b.AppendLine("|---|---|");
        b.AppendLine(c, $"| no backup (median of {KeelSeconds.Count} phases of {TpsPhaseSeconds:0} s) | {TpsWithout:0.0} |");
        b.AppendLine(c, $"| while a replica is backed up (median of {KeelSeconds.Count}, alternating) | {TpsDuringBackup:0.0} |");
        b.AppendLine(c, $"| ratio (goal ≥ {TpsGoal:0.00}) | {TpsRatio:0.00} ({(TpsRatio >= TpsGoal ? "met" : "not met")}) |");
        b.AppendLine();
        b.AppendLine(c, $"The benchmark's backups stay in the repository: {string.Join(", ", BackupIds)}.");
        return b.ToString();
    }

    public IReadOnlyList<string> WriteTo(string dir) =>
        global::Keel.Bench.Reports.ReportFiles.WriteMarkdownAndJson(dir, ToMarkdown(), JsonSerializer.Serialize(new BackupBenchJson(this, RawMbPerSecond, KeelMbPerSecond, Ratio, TpsRatio), BackupBenchJsonContext.Default.BackupBenchJson));
}

public sealed record BackupBenchJson(BackupBenchReport Report, double RawMbPerSecond, double KeelMbPerSecond, double Ratio, double TpsRatio);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(BackupBenchJson))]
internal sealed partial class BackupBenchJsonContext : JsonSerializerContext;
