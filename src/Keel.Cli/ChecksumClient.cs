using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Agent.Api;
using Keel.Core.Checksum;

namespace Keel.Cli;

/// <summary>
/// The checksum endpoints of the agents, with the API token. Every call has its own timeout: a short one to start
/// and follow a run, and for a member's results the wait it was asked for plus a margin.
/// </summary>
internal sealed class ChecksumClient(string token, Keel.Os.Tls.ClientTls? tls) : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WaitMargin = TimeSpan.FromSeconds(10);

    // The client's own timeout is off: each call sets its own through its cancellation.
    private readonly HttpClient _http = Keel.Os.Tls.ClientTls.For(tls, Timeout.InfiniteTimeSpan);

    public Task<(ChecksumRun? Run, string? Error)> StartAsync(string apiUrl, string run, IReadOnlyList<string>? tables, int chunkRows, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, Url(apiUrl, "/checksum", ("run", run), ("tables", tables is null ? null : string.Join(',', tables)), ("chunk_rows", chunkRows.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            HttpStatusCode.Accepted, ChecksumJson.Default.ChecksumRun, CallTimeout, ct);

    public Task<(ChecksumRun? Run, string? Error)> ProgressAsync(string apiUrl, string run, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, Url(apiUrl, $"/checksum/{run}/progress"), HttpStatusCode.OK, ChecksumJson.Default.ChecksumRun, CallTimeout, ct);

    public Task<(MemberChecksum? Result, string? Error)> ResultAsync(string apiUrl, string run, string position, TimeSpan wait, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, Url(apiUrl, $"/checksum/{run}", ("position", position), ("timeout", wait.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture))),
            HttpStatusCode.OK, ChecksumJson.Default.MemberChecksum, wait + WaitMargin, ct);

    private async Task<(T? Body, string? Error)> CallAsync<T>(HttpMethod method, string url, HttpStatusCode expected, JsonTypeInfo<T> type, TimeSpan timeout, CancellationToken ct) where T : class
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await _http.SendAsync(request, cts.Token);
            var text = await response.Content.ReadAsStringAsync(cts.Token);
            if (response.StatusCode != expected)
            {
                return (null, $"{(int)response.StatusCode}: {text.Trim()}");
            }
            return JsonSerializer.Deserialize(text, type) is { } body ? (body, null) : (null, "the agent answered with an empty body");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"the agent at {url} did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return (null, $"the agent at {url} is unreachable: {ex.Message}");
        }
    }

    private static string Url(string apiUrl, string path, params (string Name, string? Value)[] query) =>
        apiUrl.TrimEnd('/') + path + (query.Any(q => q.Value is not null)
            ? "?" + string.Join('&', query.Where(q => q.Value is not null).Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}"))
            : "");

    public void Dispose() => _http.Dispose();
}
