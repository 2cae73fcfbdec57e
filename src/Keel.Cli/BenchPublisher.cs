using Keel.Agent.Store;
using Keel.Bench;

namespace Keel.Cli;

/// <summary>Puts a finished benchmark's report into the store, where every agent's page (/ui) shows the last one of each kind.</summary>
internal static class BenchPublisher
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    /// <summary>Best effort: the report files are written already, so a store that does not answer costs only the page's copy.</summary>
    public static async Task PublishAsync(BenchCluster cluster, string kind, IReadOnlyList<string> files, CancellationToken ct)
    {
        var markdown = files.FirstOrDefault(f => f.EndsWith(".md", StringComparison.Ordinal)) is { } md ? await File.ReadAllTextAsync(md, ct) : "";
        var timelines = new List<BenchTimeline>();
        foreach (var svg in files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)))
        {
            timelines.Add(new BenchTimeline(Path.GetFileNameWithoutExtension(svg), await File.ReadAllTextAsync(svg, ct)));
        }
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(Budget);
            await new BenchReportStore(cluster.Etcd, cluster.ClusterName).PublishAsync(new PublishedBenchReport(kind, DateTimeOffset.UtcNow, markdown, timelines), cts.Token);
            Console.WriteLine($"published the report for the agents' page (/ui)");
        }
        catch (Exception ex) when (ex is Keel.Etcd.EtcdException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"warning: the report was not published for the agents' page: {ex.Message}");
        }
    }
}
