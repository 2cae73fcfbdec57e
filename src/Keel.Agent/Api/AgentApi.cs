using Keel.Agent.Configuration;
using Keel.Agent.Ha;
using Keel.Agent.Requests;
using Keel.Core.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Api;

/// <summary>
/// The REST API, with the endpoint names HAProxy users know from Patroni: 200 means yes, 503 means no, and the body
/// always says what this member is.
/// </summary>
public static class AgentApi
{
    public static WebApplication Build(AgentConfig config, AgentStatus status, OperatorRequests requests, TimeProvider time, Clone.CloneDonor? donor = null,
        Checksum.ChecksumWorker? checksum = null, Doctor.LocalDoctor? doctor = null, Doctor.LinkProbe? links = null, ILogger? log = null, Ui.UiSources? ui = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default));
        if (config.Tls is { Api: true } tls)
        {
            // The member's own certificate, read again when renewed on disk: each new connection gets the current one.
            var certificate = new Keel.Os.Tls.PemFiles(tls.Cert, tls.Key);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h =>
            {
                h.ServerCertificateSelector = (_, _) => certificate.Certificate;
                // A client certificate may stand in for the token; ApiAuth checks it against the CA, so TLS takes any
                // (one from elsewhere then simply counts for nothing) and none is required for the read endpoints.
                h.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                h.AllowAnyClientCertificate();
            }));
            builder.WebHost.UseUrls($"https://{config.Api.Listen}");
        }
        else
        {
            builder.WebHost.UseUrls($"http://{config.Api.Listen}");
        }
        var app = builder.Build();

        IResult Answer(Func<TickResult?, DateTimeOffset, bool> rule)
        {
            var t = status.Latest;
            var ok = rule(t, time.GetUtcNow());
            if (t is null)
            {
                return Results.Text("the agent has not completed a tick yet\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var report = new MemberReport(t.Published, t.Snapshot.Cluster?.Leader?.Name, t.Decision.Reason, t.At);
            return Results.Json(report, ApiJson.Default.MemberReport, statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }

        app.MapGet("/primary", () => Answer(HealthRules.IsPrimary));
        // Read-only figures for Prometheus; no token, as they hold no secret and scrapers rarely carry one.
        app.MapGet("/metrics", async (HttpContext context, CancellationToken ct) =>
        {
            if (status.Metrics is not { } metrics)
            {
                return Results.NotFound();
            }
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.ExportAsync(context.Response.Body, ct);
            return Results.Empty;
        });
        app.MapGet("/replica", () => Answer(HealthRules.IsStreamingReplica));
        app.MapGet("/health", () => Answer(HealthRules.IsHealthy));
        app.MapGet("/liveness", () => Answer(HealthRules.IsLive));
        app.MapGet("/readiness", () => Answer((t, now) => HealthRules.IsPrimary(t, now) || HealthRules.IsStreamingReplica(t, now)));
        // Mutating endpoints write a request to etcd (only agents act on MySQL) and need the configured token.
        var auth = new ApiAuth(config.Api.Token, config.Member.Name, time, log, config.Tls is { Api: true } t ? new Keel.Os.Tls.CaTrust(t.Ca) : null);
        IResult? Denied(HttpRequest request) => auth.Denied(request);

        IResult Planned(RequestPlan plan) =>
            Results.Text(plan.Message + "\n", statusCode: plan.Accepted ? StatusCodes.Status202Accepted : StatusCodes.Status409Conflict);

        app.MapPost("/switchover", async (HttpRequest request, CancellationToken ct) =>
            Denied(request) ?? Planned(await requests.SwitchoverAsync(Query(request, "to"), long.TryParse(Query(request, "max_lag"), out var lag) ? lag : DefaultMaxLagSeconds, ct)));
        app.MapPost("/failover", async (HttpRequest request, CancellationToken ct) =>
            Denied(request) ?? (Query(request, "to") is { } to
                ? Planned(await requests.FailoverAsync(to, Query(request, "force") is "true" or "1", ct))
                : Results.Text("failover needs ?to=MEMBER\n", statusCode: StatusCodes.Status400BadRequest)));
        app.MapPost("/reinit", async (HttpRequest request, CancellationToken ct) =>
            Denied(request) ?? (Query(request, "member") is { } member
                ? await requests.ReinitAsync(member, ct, Query(request, "purge_old") is "true" or "1") is var plan && plan.Accepted
                    ? Results.Text(plan.Message + "\n", statusCode: StatusCodes.Status202Accepted)
                    : Results.Text(plan.Message + "\n", statusCode: StatusCodes.Status409Conflict)
                : Results.Text("reinit needs ?member=NAME\n", statusCode: StatusCodes.Status400BadRequest)));
        app.MapPost("/pause", async (HttpRequest request, CancellationToken ct) =>
            Denied(request) ?? Results.Text(await requests.SetPausedAsync(true, ct) + "\n"));
        app.MapPost("/resume", async (HttpRequest request, CancellationToken ct) =>
            Denied(request) ?? Results.Text(await requests.SetPausedAsync(false, ct) + "\n"));

        // A copy of this member for a joining one (`keel member add`, a re-clone): behind the token, since it is all the data.
        if (donor is not null)
        {
            app.MapGet("/clone/size", (HttpRequest request) =>
                Denied(request) ?? Results.Text(donor.DataSize().ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
            app.MapGet("/clone/stream", async (HttpContext context, CancellationToken ct) =>
            {
                if (Denied(context.Request) is { } denied)
                {
                    await denied.ExecuteAsync(context);
                    return;
                }
                var rate = long.TryParse(Query(context.Request, "max_rate"), out var r) && r > 0 ? r : (long?)null;
                await donor.StreamAsync(context.Response, rate, ct);
            });
        }

        // `keel checksum`: runs on the primary, results read on every member (see ChecksumApi).
        if (checksum is not null)
        {
            ChecksumApi.Map(app, checksum, Denied);
        }

        // What this agent decided, did and saw recently (its log's decision lines), oldest first; ?since=ISO-8601.
        app.MapGet("/decisions", (HttpRequest request) =>
        {
            var since = DateTimeOffset.MinValue;
            if (Query(request, "since") is { } text && !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out since))
            {
                return Results.Text($"since '{text}' is not a time such as 2026-11-22T06:00:00Z\n", statusCode: StatusCodes.Status400BadRequest);
            }
            return Results.Json(status.Journal.Since(since), ApiJson.Default.IReadOnlyListJournalEntry);
        });

        EventsApi.Map(app, status.Journal, time, app.Lifetime.ApplicationStopping);
        if (ui is not null)
        {
            Ui.UiApi.Map(app, config.Cluster, config.Member.Name, status, ui, time);
        }

        // `keel doctor`: this host's checks (read-only, like /cluster), and the links from every peer to here, measured
        // with bursts the peers' agents send (behind the token: a burst is a second of full bandwidth).
        if (doctor is not null && links is not null)
        {
            app.MapGet("/doctor", async (CancellationToken ct) => Results.Json(await doctor.RunAsync(ct), ApiJson.Default.LocalDoctorReport));
            app.MapGet("/doctor/network", async (HttpRequest request, CancellationToken ct) =>
            {
                if (Denied(request) is { } denied)
                {
                    return denied;
                }
                var peers = status.Latest?.Snapshot.Cluster?.Members.Values.Where(m => m.Name != config.Member.Name).OrderBy(m => m.Name, StringComparer.Ordinal).ToList() ?? [];
                var measured = new List<Keel.Core.Doctor.ClusterDoctorRules.LinkReading>();
                foreach (var peer in peers)
                {
                    measured.Add(await links.MeasureAsync(config.Member.Name, peer, ct));
                }
                return Results.Json(new Doctor.NetworkDoctorReport(config.Member.Name, measured), ApiJson.Default.NetworkDoctorReport);
            });
            app.MapGet("/doctor/burst", async (HttpContext context, CancellationToken ct) =>
            {
                if (Denied(context.Request) is { } denied)
                {
                    await denied.ExecuteAsync(context);
                    return;
                }
                var ms = int.TryParse(Query(context.Request, "ms"), out var n) && n > 0 ? n : 1000;
                context.Response.ContentType = "application/octet-stream";
                await Doctor.LinkProbe.SendBurstAsync(context.Response.Body, TimeSpan.FromMilliseconds(ms), ct);
            });
        }

        app.MapGet("/cluster", () =>
        {
            var t = status.Latest;
            var view = t?.Snapshot.Cluster;
            var report = new ClusterReport(config.Cluster, view?.Leader?.Name,
                view?.Members.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList() ?? [], view is not null);
            return Results.Json(report, ApiJson.Default.ClusterReport);
        });
        return app;
    }

    /// <summary>Replicas lagging more than this are refused as switchover targets unless the caller says otherwise.</summary>
    public const long DefaultMaxLagSeconds = 10;

    internal static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
}
