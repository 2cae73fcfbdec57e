using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Bench.Clone;

/// <summary>One timed copy: bytes and seconds (for a Keel clone, the stream alone and the whole clone with its prepare and start).</summary>
public sealed record CopyRun(long Bytes, double Seconds, double? WholeCloneSeconds = null, string? Donor = null)
{
    public double MbPerSecond => Seconds > 0 ? Bytes / 1e6 / Seconds : 0;
}

/// <summary>The figures of `keel bench clone`, with the issue's goals: clone ≥ 0.8 of raw, primary TPS during a clone ≥ 0.9.</summary>
public sealed record CloneBenchReport(
    string Machine,
    DateTimeOffset Started,
    int Tables,
    int RowsPerTable,
    long DonorDataBytes,
    IReadOnlyList<CopyRun> Raw,
    IReadOnlyList<CopyRun> Keel,
    double TpsWithout,
    double TpsDuringClone,
    double TpsPhaseSeconds,
    double? MemberAddSeconds,
    string? AddedMember)
{
    public const double CloneGoal = 0.8;
    public const double TpsGoal = 0.9;

    public double RawMbPerSecond => Median(Raw.Select(r => r.MbPerSecond));
    public double KeelMbPerSecond => Median(Keel.Select(r => r.MbPerSecond));
    public double CloneRatio => RawMbPerSecond > 0 ? KeelMbPerSecond / RawMbPerSecond : 0;
    public double TpsRatio => TpsWithout > 0 ? TpsDuringClone / TpsWithout : 0;

    public static double Median(IEnumerable<double> values) => BenchDataset.Median(values);

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"# keel bench clone ({Machine}, {Started:yyyy-MM-dd HH:mm} UTC)");
        b.AppendLine();
        b.AppendLine(c, $"Dataset: {Tables} sysbench tables of {RowsPerTable:N0} rows; the donor's datadir holds {DonorDataBytes / 1e9:0.00} GB to copy.");
        b.AppendLine();
        b.AppendLine("| copy | runs | MB | MB/s (median) | MB/s (min-max) | goal | met |");
        b.AppendLine("|---|---|---|---|---|---|---|");
        b.AppendLine(c, $"| raw `mariabackup --stream \\| mbstream -x` | {Raw.Count} | {Median(Raw.Select(r => r.Bytes / 1e6)):0} | {RawMbPerSecond:0} | {Range(Raw)} | | |");
        b.AppendLine(c, $"| Keel clone stream (checksummed, over the agent's API) | {Keel.Count} | {Median(Keel.Select(r => r.Bytes / 1e6)):0} | {KeelMbPerSecond:0} | {Range(Keel)} | ≥ {CloneGoal:0.0} of raw | {(CloneRatio >= CloneGoal ? "yes" : "no")} ({CloneRatio:0.00}) |");
        b.AppendLine();
        b.AppendLine(c, $"Whole Keel clone (stream, `mariabackup --prepare`, the copy renamed into place): median {Median(Keel.Select(r => r.WholeCloneSeconds ?? 0)):0.0} s.");
        b.AppendLine();
        b.AppendLine("| primary TPS (sysbench oltp_read_write, 4 threads, read-write endpoint) | TPS |");
        b.AppendLine("|---|---|");
        b.AppendLine(c, $"| no clone (median of {Keel.Count} phases of {TpsPhaseSeconds:0} s) | {TpsWithout:0.0} |");
        b.AppendLine(c, $"| while a replica serves a clone (median of {Keel.Count}, alternating with the above) | {TpsDuringClone:0.0} |");
        b.AppendLine(c, $"| ratio (goal ≥ {TpsGoal:0.0}) | {TpsRatio:0.00} ({(TpsRatio >= TpsGoal ? "met" : "not met")}) |");
        if (MemberAddSeconds is { } add)
        {
            b.AppendLine();
            b.AppendLine(c, $"`keel member add {AddedMember}` to a streaming semi-sync replica: {add:0.0} s (then removed again; its datadir is kept).");
        }
        return b.ToString();
    }

    private static string Range(IReadOnlyList<CopyRun> runs) =>
        runs.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{runs.Min(r => r.MbPerSecond):0}-{runs.Max(r => r.MbPerSecond):0}");

    public string ToJson() => JsonSerializer.Serialize(new CloneBenchJson(this, RawMbPerSecond, KeelMbPerSecond, CloneRatio, TpsRatio), CloneBenchJsonContext.Default.CloneBenchJson);

    /// <summary>Writes report.md and report.json into <paramref name="dir"/>; returns their paths.</summary>
    public IReadOnlyList<string> WriteTo(string dir) =>
        global::Keel.Bench.Reports.ReportFiles.WriteMarkdownAndJson(dir, ToMarkdown(), ToJson());
}

public sealed record CloneBenchJson(CloneBenchReport Report, double RawMbPerSecond, double KeelMbPerSecond, double CloneRatio, double TpsRatio);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(CloneBenchJson))]
internal sealed partial class CloneBenchJsonContext : JsonSerializerContext;
