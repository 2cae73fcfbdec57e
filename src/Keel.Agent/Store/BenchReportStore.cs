using System.Text.Json.Serialization;
using Keel.Etcd;

namespace Keel.Agent.Store;

/// <summary>
/// The last report of each benchmark kind (`keel bench ha`, `keel bench soak`), published by the benchmark so that any
/// agent's page can show it. Kept under /keel-reports/CLUSTER/, outside the prefix every agent reads each tick: a report
/// with its timelines is tens of kilobytes.
/// </summary>
public sealed class BenchReportStore(IEtcdClient etcd, string cluster)
{
    /// <summary>etcd refuses values over 1.5 MiB by default; timelines beyond this budget are left out of the copy published.</summary>
    public const int MaxBytes = 1_000_000;

    public string Prefix => $"/keel-reports/{cluster}/bench/";

    public async Task PublishAsync(PublishedBenchReport report, CancellationToken ct)
    {
        var kept = new List<BenchTimeline>();
        var size = report.Markdown.Length;
        foreach (var t in report.Timelines)
        {
            if (size + t.Svg.Length > MaxBytes)
            {
                break;
            }
            size += t.Svg.Length;
            kept.Add(t);
        }
        var json = System.Text.Json.JsonSerializer.Serialize(report with { Timelines = kept }, BenchReportJson.Default.PublishedBenchReport);
        await etcd.PutAsync(Prefix + report.Kind, json, 0, ct);
    }

    /// <summary>Every kind's last report, newest first.</summary>
    public async Task<IReadOnlyList<PublishedBenchReport>> ReadAsync(CancellationToken ct)
    {
        var range = await etcd.GetPrefixAsync(Prefix, ct);
        var reports = new List<PublishedBenchReport>();
        foreach (var kv in range.Kvs)
        {
            try
            {
                if (System.Text.Json.JsonSerializer.Deserialize(kv.Value, BenchReportJson.Default.PublishedBenchReport) is { } r)
                {
                    reports.Add(r);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Written by another version: left out, not fatal to the page.
            }
        }
        return [.. reports.OrderByDescending(r => r.At)];
    }
}

/// <summary>One benchmark's report as the page shows it: its Markdown, and its timelines (SVG) by name.</summary>
public sealed record PublishedBenchReport(string Kind, DateTimeOffset At, string Markdown, IReadOnlyList<BenchTimeline> Timelines);

public sealed record BenchTimeline(string Name, string Svg);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PublishedBenchReport))]
internal sealed partial class BenchReportJson : JsonSerializerContext;
