using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Bench.Restore;

/// <summary>The figures of `keel bench restore`, with the issue's goal: a recovery point under 1 s at steady load.</summary>
public sealed record RestoreBenchReport(
    string Machine,
    DateTimeOffset Started,
    int Tables,
    string BackupId,
    long BackupBytes,
    double LoadMinutes,
    int ArchivedTransactions,
    long ArchivedBytes,
    double RestoreSeconds,
    int AcknowledgedWrites,
    int MissingAcknowledgedWrites,
    double RecoveryPointSeconds,
    double LastAckBeforeDestroySeconds,
    string RestoredDatadir)
{
    public const double RecoveryPointGoalSeconds = 1.0;

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"# keel bench restore ({Machine}, {Started:yyyy-MM-dd HH:mm} UTC)");
        b.AppendLine();
        b.AppendLine(c, $"Dataset: {Tables} sysbench tables of {BenchDataset.RowsPerTable:N0} rows; backup {BackupId} ({BackupBytes / 1e6:0} MB of mbstream), then {LoadMinutes:0.#} min of write load archived by the binlog archiver, then the whole cluster destroyed at once (kill -9).");
        b.AppendLine();
        b.AppendLine("| figure | value |");
        b.AppendLine("|---|---|");
        b.AppendLine(c, $"| archived transactions replayed | {ArchivedTransactions:N0} ({ArchivedBytes / 1e6:0.0} MB of binlog) |");
        b.AppendLine(c, $"| restore time (extract, prepare, replay, to the newest archived transaction) | {RestoreSeconds:0.0} s |");
        b.AppendLine(c, $"| acknowledged writes before the destruction | {AcknowledgedWrites:N0} |");
        b.AppendLine(c, $"| acknowledged writes the restore lacks | {MissingAcknowledgedWrites:N0} |");
        b.AppendLine(c, $"| recovery point: seconds of acknowledged writes lost (goal < {RecoveryPointGoalSeconds:0} s) | {RecoveryPointSeconds:0.000} ({(RecoveryPointSeconds < RecoveryPointGoalSeconds ? "met" : "not met")}) |");
        b.AppendLine();
        var lastAck = LastAckBeforeDestroySeconds >= 0
            ? $"{LastAckBeforeDestroySeconds * 1000:0} ms before the kills began"
            : $"{-LastAckBeforeDestroySeconds * 1000:0} ms after the kills began (killing every process takes a few ms)";
        b.AppendLine(c, $"The last write was acknowledged {lastAck}. The restored datadir is kept in {RestoredDatadir}; the playground was destroyed on purpose (`keel up` with its home starts it again).");
        return b.ToString();
    }

    public IReadOnlyList<string> WriteTo(string dir) =>
        global::Keel.Bench.Reports.ReportFiles.WriteMarkdownAndJson(dir, ToMarkdown(), JsonSerializer.Serialize(this, RestoreBenchJsonContext.Default.RestoreBenchReport));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(RestoreBenchReport))]
internal sealed partial class RestoreBenchJsonContext : JsonSerializerContext;
