using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Checksum;
using Spectre.Console;

namespace Keel.Cli;

/// <summary>`keel checksum`'s table of differences with its notes and summary, or the same as JSON.</summary>
internal static class ChecksumPrinter
{
    public static void PrintTable(ChecksumReport report)
    {
        var run = report.Run;
        Console.WriteLine($"checksum run {run.Run} on {run.Primary}: {ChecksumReport.Count(run.Chunks, "chunk")} of {ChecksumReport.Count(run.Tables.Count, "table")}; the primary was at {run.EndPosition} after the last chunk");
        foreach (var n in run.Notes)
        {
            Console.WriteLine($"note: {n}");
        }
        if (report.Rows.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"Differences from {Markup.Escape(run.Primary)}");
            foreach (var h in new[] { "Member", "Table", "Chunk", "Key range", "Rows here/primary", "Verdict" })
            {
                table.AddColumn(h);
            }
            foreach (var r in report.Rows)
            {
                table.AddRow(Markup.Escape(r.Member), Markup.Escape(r.Table), r.Chunk?.ToString(CultureInfo.InvariantCulture) ?? "", Markup.Escape(r.KeyRange),
                    r.Chunk is null ? "" : $"{Count(r.RowsHere)}/{Count(r.RowsPrimary)}",
                    r.Verdict.StartsWith("not checked", StringComparison.Ordinal) ? $"[yellow]{Markup.Escape(r.Verdict)}[/]" : $"[red]{Markup.Escape(r.Verdict)}[/]");
            }
            ConsoleOutput.Create().Write(table);
        }
        Console.WriteLine(report.Summary);
    }

    public static void PrintJson(ChecksumReport report)
    {
        var run = report.Run;
        var doc = new ChecksumJsonReport(run.Run, run.Primary, run.EndPosition, run.Tables, run.Chunks, report.Outcome.ToString().ToLowerInvariant(), report.Summary,
            run.Notes, report.Rows, [.. report.Members.Select(m => new MemberJson(m.Member, m.Position, m.ChunksSeen, m.Error))]);
        // Key ranges hold '<': written as is, not as \u003C (the output is for scripts and people, not for HTML).
        var options = new JsonSerializerOptions(ChecksumCliJson.Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Console.WriteLine(JsonSerializer.Serialize(doc, new ChecksumCliJson(options).ChecksumJsonReport));
    }

    private static string Count(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "-";
}

internal sealed record MemberJson(string Member, string? Position, int ChunksSeen, string? Error);

internal sealed record ChecksumJsonReport(string Run, string Primary, string? EndPosition, IReadOnlyList<string> Tables, int Chunks, string Outcome, string Summary,
    IReadOnlyList<string> Notes, IReadOnlyList<DifferenceRow> Differences, IReadOnlyList<MemberJson> Members);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ChecksumJsonReport))]
internal sealed partial class ChecksumCliJson : JsonSerializerContext;
