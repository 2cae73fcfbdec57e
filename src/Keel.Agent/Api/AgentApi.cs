using Keel.Agent.Configuration;
using Keel.Agent.Ha;
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
    public static WebApplication Build(AgentConfig config, AgentStatus status, TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default));
        builder.WebHost.UseUrls($"http://{config.Api.Listen}");
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
        app.MapGet("/replica", () => Answer(HealthRules.IsStreamingReplica));
        app.MapGet("/health", () => Answer(HealthRules.IsHealthy));
        app.MapGet("/liveness", () => Answer(HealthRules.IsLive));
        app.MapGet("/readiness", () => Answer((t, now) => HealthRules.IsPrimary(t, now) || HealthRules.IsStreamingReplica(t, now)));
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
}
