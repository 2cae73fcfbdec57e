using System.Text;
using System.Text.Json;
using Keel.Etcd.Wire;

namespace Keel.Etcd.Http;

/// <summary>
/// One open /v3/watch stream: newline-separated {"result": WatchResponse} messages. A broken stream (EOF, reset, a
/// gateway error, or a member that stops answering a liveness probe) surfaces as <see cref="EtcdUnavailableException"/>.
/// </summary>
internal sealed class WatchStream : IAsyncDisposable
{
    /// <summary>etcd's code for a compacted revision (gRPC OutOfRange), reported when the start revision is gone.</summary>
    public const int CompactedCode = 11;

    private readonly GatewayTransport _transport;
    private readonly int _endpoint;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _life;
    private readonly Task _probe;
    private volatile string? _probeFailure;

    private WatchStream(GatewayTransport transport, int endpoint, HttpResponseMessage response, StreamReader reader, CancellationTokenSource life, byte[] probeKey)
    {
        _transport = transport;
        _endpoint = endpoint;
        _response = response;
        _reader = reader;
        _life = life;
        _probe = ProbeAsync(probeKey);
    }

    private Uri Endpoint => _transport.Endpoint(_endpoint);

    /// <summary>
    /// Opens the watch on the first endpoint that confirms it ("created") within the request timeout. A watch only
    /// reads, so every endpoint may be tried.
    /// </summary>
    public static async Task<WatchStream> OpenAsync(GatewayTransport transport, WatchRequestDto request, CancellationToken ct)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, WireJsonContext.Default.WatchRequestDto);
        var failures = new List<EtcdUnavailableException>();
        foreach (var index in transport.Order())
        {
            var endpoint = transport.Endpoint(index);

            // The stream's lifetime token; its deadline covers only the opening and is lifted once etcd confirms.
            var life = CancellationTokenSource.CreateLinkedTokenSource(ct);
            life.CancelAfter(transport.RequestTimeout);
            HttpResponseMessage? response = null;
            try
            {
                response = await transport.SendStreamingAsync(index, "/v3/watch", payload, life.Token);
                if (!response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsByteArrayAsync(life.Token);
                    throw GatewayErrors.FromResponse(endpoint, response.StatusCode, body);
                }

                var reader = new StreamReader(await response.Content.ReadAsStreamAsync(life.Token), Encoding.UTF8);
                var first = await ReadMessageAsync(endpoint, reader, life.Token)
                    ?? throw new EtcdUnavailableException($"{endpoint}: watch stream ended before it was created");
                if (!first.Created || first.Canceled)
                {
                    throw CanceledError(endpoint, first);
                }

                life.CancelAfter(Timeout.InfiniteTimeSpan);
                transport.MarkGood(index);
                return new WatchStream(transport, index, response, reader, life, request.CreateRequest.Key);
            }
            catch (Exception ex)
            {
                response?.Dispose();
                var timedOut = life.IsCancellationRequested;
                life.Dispose();

                // The caller's cancellation and etcd's definite answers (e.g. compacted) end the call here.
                if (ct.IsCancellationRequested || !(ex is EtcdUnavailableException || IsBreak(ex)))
                {
                    throw;
                }

                transport.MarkBad(index);
                failures.Add(ex as EtcdUnavailableException ?? new EtcdUnavailableException(
                    $"{endpoint}: {(timedOut ? $"watch not confirmed within {transport.RequestTimeout.TotalMilliseconds:0} ms" : ex.Message)}", null, ex));
            }
        }

        throw GatewayTransport.Combine(failures);
    }

    /// <summary>The events of the next message (empty for progress notifications).</summary>
    public async Task<IReadOnlyList<WatchEvent>> NextAsync(CancellationToken ct)
    {
        WatchResponseDto? message;
        try
        {
            message = await ReadMessageAsync(Endpoint, _reader, _life.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && IsBreak(ex))
        {
            throw new EtcdUnavailableException($"{Endpoint}: {_probeFailure ?? "watch stream broke: " + ex.Message}", null, ex);
        }

        if (message is null)
        {
            throw new EtcdUnavailableException($"{Endpoint}: watch stream ended");
        }

        if (message.Canceled)
        {
            throw CanceledError(Endpoint, message);
        }

        return message.Events is { } events ? Array.ConvertAll(events, WireMapping.ToWatchEvent) : [];
    }

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync();
        try
        {
            await _probe;
        }
        catch (OperationCanceledException)
        {
            // Expected: the probe stops with the stream.
        }

        _reader.Dispose();
        _response.Dispose();
        _life.Dispose();
    }

    /// <summary>Next non-empty line as a watch response; null at the end of the stream.</summary>
    private static async Task<WatchResponseDto?> ReadMessageAsync(Uri endpoint, StreamReader reader, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var envelope = JsonSerializer.Deserialize(line, WireJsonContext.Default.WatchEnvelopeDto);
            if (envelope?.Error is { } error)
            {
                throw GatewayErrors.FromStream(endpoint, error);
            }

            if (envelope?.Result is { } result)
            {
                return result;
            }
        }

        return null;
    }

    /// <summary>A compacted start revision is etcd's definite answer; any other cancellation means "watch again".</summary>
    private static EtcdException CanceledError(Uri endpoint, WatchResponseDto message) => message.CompactRevision > 0
        ? new EtcdException($"watch canceled: revisions up to {message.CompactRevision} are compacted; re-read and watch from a newer revision", CompactedCode)
        : new EtcdUnavailableException($"{endpoint}: watch canceled by etcd: {message.CancelReason ?? "no reason given"}");

    /// <summary>Failures that mean the stream broke (a partial JSON line is what a cut connection leaves).</summary>
    private static bool IsBreak(Exception ex) =>
        ex is OperationCanceledException or IOException or HttpRequestException or JsonException or ObjectDisposedException;

    /// <summary>
    /// A quiet watch cannot tell "nothing changed" from "the member is gone without closing the connection"
    /// (a partition, a frozen process). Ask the same member a one-key, linearizable (so leader-backed) read every
    /// two request timeouts; if it does not answer, end the stream so the caller re-watches elsewhere.
    /// </summary>
    private async Task ProbeAsync(byte[] key)
    {
        var interval = _transport.RequestTimeout * 2;
        var probe = new RangeRequestDto { Key = key, CountOnly = true };
        try
        {
            while (true)
            {
                await Task.Delay(interval, _life.Token);
                try
                {
                    await _transport.PostToAsync(
                        _endpoint, "/v3/kv/range", probe, WireJsonContext.Default.RangeRequestDto, WireJsonContext.Default.RangeResponseDto, _life.Token);
                }
                catch (EtcdUnavailableException ex)
                {
                    _probeFailure = $"watch stream given up: the member did not answer a liveness probe ({ex.Message})";
                    _transport.MarkBad(_endpoint);
                    await _life.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_life.IsCancellationRequested)
        {
            // The stream is being disposed or broke already.
        }
    }
}
