using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Keel.Etcd.Http;

/// <summary>
/// POSTs JSON to etcd's gateway with a deadline per attempt, trying the endpoints in order from the one that last
/// answered. Every failure to get an answer becomes <see cref="EtcdUnavailableException"/>.
/// </summary>
internal sealed class GatewayTransport : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Uri[] _endpoints;
    private readonly HttpClient _http;
    private int _preferred;

    public GatewayTransport(EtcdClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoints.Count == 0)
        {
            throw new ArgumentException("at least one etcd endpoint is needed", nameof(options));
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "RequestTimeout must be positive");
        }

        _endpoints = [.. options.Endpoints];
        RequestTimeout = options.RequestTimeout;
        _http = new HttpClient(
            new SocketsHttpHandler
            {
                // An http_proxy in the environment must not reroute cluster traffic.
                UseProxy = false,
                UseCookies = false,
                // A connect that fails by itself says "never sent", so even a write may go to the next endpoint;
                // half the budget leaves the attempt's own deadline (which would mean "unknown") for the answer.
                ConnectTimeout = RequestTimeout / 2,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            },
            disposeHandler: true)
        {
            // Deadlines come from our own per-attempt tokens.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public TimeSpan RequestTimeout { get; }

    public Uri Endpoint(int index) => _endpoints[index];

    /// <summary>Endpoint indexes in the order to try them: the one that last answered first.</summary>
    public IEnumerable<int> Order()
    {
        var start = Volatile.Read(ref _preferred);
        for (var i = 0; i < _endpoints.Length; i++)
        {
            yield return (start + i) % _endpoints.Length;
        }
    }

    public void MarkGood(int index) => Volatile.Write(ref _preferred, index);

    /// <summary>After a failed (or abandoned) attempt, the next call starts at the following endpoint.</summary>
    public void MarkBad(int index) => Interlocked.CompareExchange(ref _preferred, (index + 1) % _endpoints.Length, index);

    /// <summary>
    /// One call, failing over between endpoints. <paramref name="check"/> may turn a 200 answer into an error (streamed
    /// calls report errors inside the body); an <see cref="EtcdUnavailableException"/> from it counts as a failed attempt.
    /// </summary>
    public async Task<TResponse> PostAsync<TRequest, TResponse>(
        string path,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        RetryPolicy retry,
        CancellationToken ct,
        Func<Uri, TResponse, EtcdException?>? check = null)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        var failures = new List<EtcdUnavailableException>();
        foreach (var index in Order())
        {
            var attempt = await SendOnceAsync(index, path, payload, responseType, ct);
            if (attempt.Failure is null && check?.Invoke(_endpoints[index], attempt.Response!) is { } error)
            {
                attempt = error is EtcdUnavailableException unavailable ? new Attempt<TResponse>(default, unavailable, false) : throw error;
            }

            if (attempt.Failure is null)
            {
                MarkGood(index);
                return attempt.Response!;
            }

            MarkBad(index);
            failures.Add(attempt.Failure);
            if (retry == RetryPolicy.OnlyIfNotSent && !attempt.NotSent)
            {
                break;
            }
        }

        throw Combine(failures);
    }

    /// <summary>One attempt against one endpoint (for probes that must ask a particular member).</summary>
    public async Task<TResponse> PostToAsync<TRequest, TResponse>(
        int index, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        var attempt = await SendOnceAsync(index, path, payload, responseType, ct);
        return attempt.Failure is null ? attempt.Response! : throw attempt.Failure;
    }

    /// <summary>Starts a streamed call; the caller reads the body and owns the response.</summary>
    public async Task<HttpResponseMessage> SendStreamingAsync(int index, string path, byte[] payload, CancellationToken ct)
    {
        using var request = NewRequest(index, path, payload);

        // Lets etcd end the stream when its member loses the leader, instead of staying silently stale.
        request.Headers.TryAddWithoutValidation("Grpc-Metadata-hasleader", "true");
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>True if the exception shows the request never reached the server.</summary>
    public static bool NeverSent(Exception ex, CancellationToken attemptToken) => ex switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,

        // Only SocketsHttpHandler.ConnectTimeout cancels without our deadline or the caller's having fired.
        OperationCanceledException => !attemptToken.IsCancellationRequested,
        _ => false,
    };

    public static EtcdUnavailableException Combine(IReadOnlyList<EtcdUnavailableException> failures) => failures.Count == 1
        ? failures[0]
        : new EtcdUnavailableException(
            "no etcd endpoint answered: " + string.Join("; ", failures.Select(f => f.Message)),
            failures[^1].Code,
            new AggregateException(failures));

    private async Task<Attempt<TResponse>> SendOnceAsync<TResponse>(
        int index, string path, byte[] payload, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        var endpoint = _endpoints[index];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            using var request = NewRequest(index, path, payload);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                var error = GatewayErrors.FromResponse(endpoint, response.StatusCode, body);
                return error is EtcdUnavailableException unavailable ? new(default, unavailable, false) : throw error;
            }

            return new(Parse(endpoint, body, responseType), null, false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller gave up on this endpoint: if it is hung, callers with short deadlines (lease keepalive)
            // must not keep starting there.
            MarkBad(index);
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            var why = ex is OperationCanceledException && deadline.IsCancellationRequested
                ? $"no answer within {RequestTimeout.TotalMilliseconds:0} ms"
                : ex.Message;
            return new(default, new EtcdUnavailableException($"{endpoint}: {why}", null, ex), NeverSent(ex, deadline.Token));
        }
    }

    private HttpRequestMessage NewRequest(int index, string path, byte[] payload)
    {
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = Json;
        return new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoints[index], path)) { Content = content, Version = HttpVersion.Version11 };
    }

    private static T Parse<T>(Uri endpoint, byte[] body, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new EtcdException($"{endpoint}: empty answer");
        }
        catch (JsonException ex)
        {
            throw new EtcdException($"{endpoint}: answer is not the expected JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Outcome of one attempt: a response, or why there is none and whether the request surely never left.</summary>
    private readonly record struct Attempt<T>(T? Response, EtcdUnavailableException? Failure, bool NotSent);
}
