using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Status;
using Spectre.Console;

namespace Keel.Cli;

/// <summary>`keel status` as a table with warnings under it, or as JSON.</summary>
internal static class StatusPrinter
{
    public static void PrintTable(StatusReport report)
    {
        var s = report.Status;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Cluster: {Markup.Escape(s.Cluster)}" + (report.ReadWrite is null ? "" : $" (read-write {report.ReadWrite}, read-only {report.ReadOnly})"));
        foreach (var h in new[] { "Member", "Host", "Role", "State", "Lag", "GTID", "Semi-sync" })
        {
            table.AddColumn(h);
        }
        foreach (var r in s.Rows)
        {
            var state = r.State switch
            {
                "running" or "streaming" => $"[green]{r.State}[/]",
                "unreachable" => $"[red]? {r.State}[/]",
                _ => $"[yellow]{Markup.Escape(r.State)}[/]",
            };
            table.AddRow(
                Markup.Escape(r.Member),
                Markup.Escape(r.Address),
                Markup.Escape(r.Role),
                state,
                // Keel's measure when there is one: Seconds_Behind_Master reads 0 while semi-sync blocks.
                r.MeasuredLagSeconds is { } measured ? $"{measured.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s" : r.LagSeconds is { } lag ? $"{lag} s" : "",
                Markup.Escape(r.Gtid),
                r.SemiSync switch { true => "on", false => "[yellow]off[/]", null => "" });
        }
        var console = ConsoleOutput.Create();
        console.Write(table);
        if (s.Warnings.Count > 0)
        {
            Console.WriteLine("WARNING: following issues were detected");
            foreach (var w in s.Warnings)
            {
                Console.WriteLine($"  - {w}");
            }
        }
        foreach (var n in s.Notes)
        {
            Console.WriteLine($"note: {n}");
        }
    }

    public static void PrintJson(StatusReport report)
    {
        var doc = new StatusJson(report.Status.Cluster, report.Status.Leader,
            report.ReadWrite is null ? null : new Endpoints(report.ReadWrite, report.ReadOnly!),
            report.Status.Rows, report.Status.Warnings, report.Status.Notes, report.Status.Blockers);
        Console.WriteLine(JsonSerializer.Serialize(doc, CliJson.Default.StatusJson));
    }
}

internal sealed record Endpoints(string ReadWrite, string ReadOnly);

internal sealed record StatusJson(string Cluster, string? Leader, Endpoints? Endpoints, IReadOnlyList<MemberRow> Members, IReadOnlyList<string> Warnings, IReadOnlyList<string> Notes,
    IReadOnlyList<MemberBlocker> Blockers);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(StatusJson))]
internal sealed partial class CliJson : JsonSerializerContext;
