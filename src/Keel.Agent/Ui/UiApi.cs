using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Keel.Agent.Api;
using Keel.Agent.Ha;
using Keel.Agent.Store;
using Keel.Core.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Keel.Agent.Ui;

/// <summary>What the page reads besides this agent's own state: the store (history, benchmark reports) and the peers' APIs.</summary>
public sealed record UiSources(ClusterStore Store, BenchReportStore Bench, HttpClient Peers);

/// <summary>
/// The web page at /ui on every agent. Any agent shows the whole cluster: the status comes from the view this agent
/// read from etcd at its last tick, history and reports from etcd, decisions from each peer's /decisions. Actions go
/// to the same token-protected endpoints as the CLI (POST /switchover, /pause, /resume); the page only reads.
/// </summary>
public static class UiApi
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DecisionsWindow = TimeSpan.FromMinutes(30);

    // No inline script or style, nothing from elsewhere: an injected string cannot run (the page sets text, never HTML).
    private const string Policy = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static void Map(WebApplication app, string cluster, string self, AgentStatus status, UiSources sources, TimeProvider time)
    {
        // Routing matches /ui and /ui/ alike; the page's relative addresses (app.js, api/status, ../events) need the slash.
        app.MapGet("/ui/{file?}", (HttpContext context, string? file) =>
        {
            if (file is null && !(context.Request.Path.Value ?? "").EndsWith('/'))
            {
                return Results.Redirect("/ui/");
            }
            if (UiAssets.Get(file ?? "index.html") is not { } asset)
            {
                return Results.NotFound();
            }
            Secure(context.Response);
            return Results.Bytes(asset.Bytes, asset.ContentType);
        });

        app.MapGet("/ui/api/status", (HttpContext context) =>
        {
            Secure(context.Response);
            var view = status.Latest?.Snapshot.Cluster;
            if (view is null)
            {
                return Results.Json(new UiStatus(cluster, self, null, false, false, new ClusterStatus(cluster, null, [], ["this agent cannot read etcd right now"]), new Dictionary<string, string?>()), UiJson.Default.UiStatus);
            }
            var table = ClusterStatus.From(cluster, view, []);
            var following = view.Members.Values.ToDictionary(m => m.Name, m => m.Following, StringComparer.Ordinal);
            return Results.Json(new UiStatus(cluster, self, view.Leader?.Name, view.Paused, status.Latest!.Snapshot.Cluster is not null, table, following), UiJson.Default.UiStatus);
        });

        app.MapGet("/ui/api/history", async (HttpContext context, CancellationToken ct) =>
        {
            Secure(context.Response);
            try
            {
                return Results.Json(await sources.Store.ReadHistoryAsync(ct), UiJson.Default.IReadOnlyListHistoryEntry);
            }
            catch (Keel.Etcd.EtcdException ex)
            {
                return Results.Text($"etcd is unreachable: {ex.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        app.MapGet("/ui/api/decisions", async (HttpContext context, CancellationToken ct) =>
        {
            Secure(context.Response);
            var since = time.GetUtcNow() - DecisionsWindow;
            var members = status.Latest?.Snapshot.Cluster?.Members.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList() ?? [];
            var answers = await Task.WhenAll(members.Select(async m =>
            {
                if (m.Name == self)
                {
                    return new AgentDecisions(m.Name, [.. status.Journal.Since(since).TakeLast(20)], null);
                }
                try
                {
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    cts.CancelAfter(PeerTimeout);
                    var url = $"{m.ApiUrl.TrimEnd('/')}/decisions?since={Uri.EscapeDataString(since.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}";
                    var entries = await sources.Peers.GetFromJsonAsync(url, ApiJson.Default.IReadOnlyListJournalEntry, cts.Token) ?? [];
                    return new AgentDecisions(m.Name, [.. entries.TakeLast(20)], null);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
                {
                    return new AgentDecisions(m.Name, [], ex is OperationCanceledException ? $"no answer within {PeerTimeout.TotalSeconds:0} s" : ex.Message);
                }
            }));
            return Results.Json(answers, UiJson.Default.AgentDecisionsArray);
        });

        app.MapGet("/ui/api/bench", async (HttpContext context, CancellationToken ct) =>
        {
            Secure(context.Response);
            try
            {
                var reports = await sources.Bench.ReadAsync(ct);
                return Results.Json(reports.Select(r => new BenchSummary(r.Kind, r.At, r.Markdown, [.. r.Timelines.Select(t => t.Name)])).ToList(), UiJson.Default.ListBenchSummary);
            }
            catch (Keel.Etcd.EtcdException ex)
            {
                return Results.Text($"etcd is unreachable: {ex.Message}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        app.MapGet("/ui/api/bench/{kind}/{index:int}.svg", async (HttpContext context, string kind, int index, CancellationToken ct) =>
        {
            var report = (await sources.Bench.ReadAsync(ct)).FirstOrDefault(r => r.Kind == kind);
            if (report is null || index < 0 || index >= report.Timelines.Count)
            {
                return Results.NotFound();
            }
            Secure(context.Response);
            // Shown through <img>, where SVG runs no script; the sandbox says so again should it be opened on its own.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
            return Results.Text(report.Timelines[index].Svg, "image/svg+xml; charset=utf-8");
        });
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = Policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}

/// <summary>GET /ui/api/status: the rows and warnings of `keel status`, who follows whom, and who serves the page.</summary>
public sealed record UiStatus(string Cluster, string ServedBy, string? Leader, bool Paused, bool EtcdReachable, ClusterStatus Status, IReadOnlyDictionary<string, string?> Following);

/// <summary>One agent's last decisions, or why they could not be read.</summary>
public sealed record AgentDecisions(string Member, IReadOnlyList<JournalEntry> Entries, string? Error);

/// <summary>A published benchmark report without its SVGs (fetched one by one).</summary>
public sealed record BenchSummary(string Kind, DateTimeOffset At, string Markdown, IReadOnlyList<string> Timelines);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(UiStatus))]
[JsonSerializable(typeof(IReadOnlyList<HistoryEntry>))]
[JsonSerializable(typeof(AgentDecisions[]))]
[JsonSerializable(typeof(List<BenchSummary>))]
internal sealed partial class UiJson : JsonSerializerContext;
