using Grpc.Core;
using Proto = Etcdserverpb;

namespace Keel.Etcd.Grpc;

/// <summary>
/// One open Watch stream with one watcher on it. A broken stream (end, reset, an error status, or a member that
/// stops answering a liveness probe) surfaces as <see cref="EtcdUnavailableException"/>.
/// </summary>
/// <remarks>
/// Built on the generated Watch client rather than dotnet-etcd's EtcdClient.Watch helpers: those reconnect on their
/// own and print to stdout while doing so, and Keel's callers re-watch from the last revision themselves.
/// </remarks>
internal sealed class WatchStream : IAsyncDisposable
{
    /// <summary>etcd's code for a compacted revision (gRPC OutOfRange), reported when the start revision is gone.</summary>
    public const int CompactedCode = (int)StatusCode.OutOfRange;

    private readonly GrpcTransport _transport;
    private readonly int _endpoint;
    private readonly AsyncDuplexStreamingCall<Proto.WatchRequest, Proto.WatchResponse> _call;
    private readonly CancellationTokenSource _life;
    private readonly Task _probe;
    private volatile string? _probeFailure;

    private WatchStream(GrpcTransport transport, int endpoint, AsyncDuplexStreamingCall<Proto.WatchRequest, Proto.WatchResponse> call, CancellationTokenSource life, Google.Protobuf.ByteString probeKey)
    {
        _transport = transport;
        _endpoint = endpoint;
        _call = call;
        _life = life;
        _probe = ProbeAsync(probeKey);
    }

    private Uri Endpoint => _transport.Endpoint(_endpoint).Url;

    /// <summary>
    /// Opens the watch on the first endpoint that confirms it ("created") within the request timeout. A watch only
    /// reads, so every endpoint may be tried.
    /// </summary>
    public static async Task<WatchStream> OpenAsync(GrpcTransport transport, Proto.WatchRequest request, CancellationToken ct)
    {
        var failures = new List<EtcdUnavailableException>();
        foreach (var index in transport.Order())
        {
            var endpoint = transport.Endpoint(index);

            // The stream's lifetime token; its deadline covers only the opening and is lifted once etcd confirms.
            var life = CancellationTokenSource.CreateLinkedTokenSource(ct);
            life.CancelAfter(transport.RequestTimeout);
            AsyncDuplexStreamingCall<Proto.WatchRequest, Proto.WatchResponse>? call = null;
            try
            {
                call = endpoint.Watch.Watch(new CallOptions(RequireLeader, cancellationToken: life.Token));
                await call.RequestStream.WriteAsync(request, life.Token);
                var first = await ReadAsync(call, life.Token)
                    ?? throw new EtcdUnavailableException($"{endpoint.Url}: watch stream ended before it was created");
                if (!first.Created || first.Canceled)
                {
                    throw CanceledError(endpoint.Url, first);
                }

                life.CancelAfter(Timeout.InfiniteTimeSpan);
                transport.MarkGood(index);
                return new WatchStream(transport, index, call, life, request.CreateRequest.Key);
            }
            catch (Exception ex)
            {
                call?.Dispose();
                var timedOut = life.IsCancellationRequested;
                life.Dispose();

                // The caller's cancellation and etcd's definite answers (e.g. compacted) end the call here.
                if (ct.IsCancellationRequested)
                {
                    throw ex as OperationCanceledException ?? new OperationCanceledException("the watch was cancelled", ex, ct);
                }

                EtcdException? failure = ex switch
                {
                    EtcdUnavailableException unavailable => unavailable,
                    RpcException rpc => GrpcErrors.Classify(endpoint.Url, rpc),
                    OperationCanceledException when timedOut => new EtcdUnavailableException(
                        $"{endpoint.Url}: watch not confirmed within {transport.RequestTimeout.TotalMilliseconds:0} ms", (int)StatusCode.DeadlineExceeded, ex),
                    _ when IsBreak(ex) => GrpcErrors.Broken(endpoint.Url, ex),
                    _ => null,
                };
                if (failure is null)
                {
                    // etcd's definite answer (compacted) or a bug: not a reason to try another member.
                    throw;
                }

                if (failure is not EtcdUnavailableException)
                {
                    throw failure;
                }

                transport.MarkBad(index);
                failures.Add((EtcdUnavailableException)failure);
            }
        }

        throw GrpcErrors.Combine(failures);
    }

    /// <summary>The events of the next message (empty for progress notifications).</summary>
    public async Task<IReadOnlyList<WatchEvent>> NextAsync(CancellationToken ct)
    {
        Proto.WatchResponse? message;
        try
        {
            message = await ReadAsync(_call, _life.Token);
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested && _probeFailure is null)
        {
            throw GrpcErrors.Classify(Endpoint, ex);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && IsBreak(ex))
        {
            throw new EtcdUnavailableException($"{Endpoint}: {_probeFailure ?? "watch stream broke: " + ex.Message}", (int)StatusCode.Unavailable, ex);
        }
        catch (Exception ex) when (ct.IsCancellationRequested && ex is RpcException)
        {
            throw new OperationCanceledException("the watch was cancelled", ex, ct);
        }

        if (message is null)
        {
            throw new EtcdUnavailableException($"{Endpoint}: watch stream ended", (int)StatusCode.Unavailable);
        }

        if (message.Canceled)
        {
            throw CanceledError(Endpoint, message);
        }

        return [.. message.Events.Select(ProtoMapping.ToWatchEvent)];
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

        _call.Dispose();
        _life.Dispose();
    }

    /// <summary>
    /// clientv3's WithRequireLeader: lets etcd end the stream when its member loses the leader, instead of staying
    /// silently stale.
    /// </summary>
    private static Metadata RequireLeader => new() { { "hasleader", "true" } };

    /// <summary>The next message; null at the end of the stream.</summary>
    private static async Task<Proto.WatchResponse?> ReadAsync(AsyncDuplexStreamingCall<Proto.WatchRequest, Proto.WatchResponse> call, CancellationToken ct) =>
        await call.ResponseStream.MoveNext(ct) ? call.ResponseStream.Current : null;

    /// <summary>A compacted start revision is etcd's definite answer; any other cancellation means "watch again".</summary>
    private static EtcdException CanceledError(Uri endpoint, Proto.WatchResponse message) => message.CompactRevision > 0
        ? new EtcdException($"watch canceled: revisions up to {message.CompactRevision} are compacted; re-read and watch from a newer revision", CompactedCode)
        : new EtcdUnavailableException($"{endpoint}: watch canceled by etcd: {(string.IsNullOrEmpty(message.CancelReason) ? "no reason given" : message.CancelReason)}");

    /// <summary>Failures that mean the stream broke.</summary>
    private static bool IsBreak(Exception ex) =>
        ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException or RpcException;

    /// <summary>
    /// A quiet watch cannot tell "nothing changed" from "the member is gone without closing the connection"
    /// (a partition, a frozen process). Ask the same member a one-key, linearizable (so leader-backed) read every
    /// two request timeouts; if it does not answer, end the stream so the caller re-watches elsewhere.
    /// </summary>
    private async Task ProbeAsync(Google.Protobuf.ByteString key)
    {
        var interval = _transport.RequestTimeout * 2;
        var probe = new Proto.RangeRequest { Key = key, CountOnly = true };
        try
        {
            while (true)
            {
                await Task.Delay(interval, _life.Token);
                try
                {
                    await _transport.CallToAsync(_endpoint, async (e, o) => await e.Kv.RangeAsync(probe, o), _life.Token);
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
