using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Agent.Ha;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Agent.Api;

/// <summary>
/// <c>GET /events[?since=ISO-8601]</c>: this agent's decisions, actions, observations and the leadership changes it
/// sees, as server-sent events (ASP.NET Core's own SSE result), for tools and the web page. Each event's type is
/// <c>decision</c>, <c>leader</c>, <c>action</c> or <c>observation</c> and its data one JSON object (at, member,
/// event_id, text); a <c>ping</c> (data: the agent's time) comes first, when the stream is live, and every 15 s
/// of quiet, so that proxies do not close an idle stream. Read-only, like /decisions.
/// </summary>
public static class EventsApi
{
    public static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(15);

    /// <summary>Maps the endpoint; every stream ends when <paramref name="stopping"/> fires, so that the agent stops at once.</summary>
    public static void Map(IEndpointRouteBuilder app, DecisionJournal journal, TimeProvider time, CancellationToken stopping)
    {
        app.MapGet("/events", (HttpRequest request, CancellationToken ct) =>
        {
            DateTimeOffset? since = null;
            if (AgentApi.Query(request, "since") is { } text)
            {
                if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var from))
                {
                    return Results.Text($"since '{text}' is not a time such as 2026-11-22T06:00:00Z\n", statusCode: StatusCodes.Status400BadRequest);
                }
                since = from;
            }
            return TypedResults.ServerSentEvents(StreamAsync(journal, since, time, ct, stopping));
        });
    }

    /// <summary>The SSE event type of a journal entry, from its event id (the log's ranges).</summary>
    public static string TypeOf(int eventId) => eventId switch
    {
        AgentStatus.LeaderChangedEventId => "leader",
        >= 100 and < 200 => "decision",
        >= 200 and < 300 => "action",
        _ => "observation",
    };

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(DecisionJournal journal, DateTimeOffset? since, TimeProvider time,
        CancellationToken aborted, CancellationToken stopping, [EnumeratorCancellation] CancellationToken enumeration = default)
    {
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping, enumeration);
        var ct = ends.Token;
        using var subscription = journal.Subscribe(since);
        // At once, so that a client knows the stream is live (and from when) before anything happens.
        yield return Ping(time);
        while (!ct.IsCancellationRequested)
        {
            using var ping = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ping.CancelAfter(PingEvery);
            bool more;
            try
            {
                more = await subscription.Reader.WaitToReadAsync(ping.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                more = true;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (!more)
            {
                yield break;
            }
            var any = false;
            while (subscription.Reader.TryRead(out var entry))
            {
                any = true;
                yield return new SseItem<string>(JsonSerializer.Serialize(entry, EventJson.Default.JournalEntry), TypeOf(entry.EventId));
            }
            if (!any)
            {
                yield return Ping(time);
            }
        }
    }

    private static SseItem<string> Ping(TimeProvider time) =>
        new(time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture), "ping");
}

/// <summary>Compact JSON for one event's data line.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JournalEntry))]
public sealed partial class EventJson : JsonSerializerContext;
