using System.Globalization;
using System.Text.Json.Serialization;
using Keel.Agent.Checksum;
using Keel.Core.Checksum;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Keel.Agent.Api;

/// <summary>
/// `keel checksum`'s endpoints, all behind the API token (a run writes on the primary; reading results waits on the
/// server). POST /checksum?run=ID[&amp;tables=db.t,..][&amp;chunk_rows=N] starts a run on the primary (409 elsewhere);
/// GET /checksum/ID/progress follows it there; GET /checksum/ID?position=GTID[&amp;timeout=S] on any member waits
/// until it holds the primary's end position and answers with its differing chunks.
/// </summary>
public static class ChecksumApi
{
    public static void Map(WebApplication app, ChecksumWorker worker, Func<HttpRequest, IResult?> denied)
    {
        app.MapPost("/checksum", async (HttpRequest request, CancellationToken ct) =>
        {
            if (denied(request) is { } no)
            {
                return no;
            }
            if (Query(request, "run") is not { } run || !ChecksumRun.IsValidId(run))
            {
                return Text("checksum needs ?run=ID (letters, digits, '-', '_', '.'; at most 64)", StatusCodes.Status400BadRequest);
            }
            var rows = ChecksumWorker.DefaultChunkRows;
            if (Query(request, "chunk_rows") is { } text && (!int.TryParse(text, CultureInfo.InvariantCulture, out rows) || rows < 1))
            {
                return Text($"chunk_rows '{text}' is not a positive number of rows", StatusCodes.Status400BadRequest);
            }
            var tables = Query(request, "tables")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (tables?.FirstOrDefault(t => t.IndexOf('.', StringComparison.Ordinal) is <= 0 || t.EndsWith('.')) is { } bad)
            {
                return Text($"table '{bad}' is not db.table", StatusCodes.Status400BadRequest);
            }
            return Answer(await worker.StartAsync(run, tables, rows, ct), ChecksumJson.Default.ChecksumRun);
        });
        app.MapGet("/checksum/{run}/progress", (HttpRequest request, string run) =>
            denied(request) ?? (worker.Progress(run) is { } p
                ? Results.Json(p, ChecksumJson.Default.ChecksumRun)
                : Text($"no checksum run {run} on this member (runs go on the primary; an agent restart forgets them)", StatusCodes.Status404NotFound)));
        app.MapGet("/checksum/{run}", async (HttpRequest request, string run, CancellationToken ct) =>
        {
            if (denied(request) is { } no)
            {
                return no;
            }
            if (!ChecksumRun.IsValidId(run) || Query(request, "position") is not { } position)
            {
                return Text("checksum results need /checksum/RUN?position=GTID (the primary's position after the run)", StatusCodes.Status400BadRequest);
            }
            var seconds = double.TryParse(Query(request, "timeout"), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 60;
            return Answer(await worker.ResultAsync(run, position, TimeSpan.FromSeconds(seconds), ct), ChecksumJson.Default.MemberChecksum);
        });
    }

    private static IResult Answer<T>(ChecksumAnswer<T> answer, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class =>
        answer.Body is { } body ? Results.Json(body, type, statusCode: answer.Status) : Text(answer.Refusal ?? "refused", answer.Status);

    private static IResult Text(string text, int status) => Results.Text(text + "\n", statusCode: status);

    private static string? Query(HttpRequest request, string name) => AgentApi.Query(request, name);
}

/// <summary>The checksum endpoints' bodies, shared with the CLI that reads them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(ChecksumRun))]
[JsonSerializable(typeof(MemberChecksum))]
public sealed partial class ChecksumJson : JsonSerializerContext;
