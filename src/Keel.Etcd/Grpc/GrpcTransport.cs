using Grpc.Core;

namespace Keel.Etcd.Grpc;

/// <summary>
/// Makes one gRPC call with a deadline per attempt, trying the endpoints in order from the one that last answered
/// (the rules of the JSON-gateway client this replaced). Every failure to get an answer becomes
/// <see cref="EtcdUnavailableException"/>; the caller's own cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class GrpcTransport : IDisposable
{
    private readonly EtcdEndpoint[] _endpoints;
    private int _preferred;

    public GrpcTransport(EtcdClientOptions options)
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

        RequestTimeout = options.RequestTimeout;
        _endpoints = [.. options.Endpoints.Select(url => new EtcdEndpoint(url, RequestTimeout, options.Tls))];
    }

    public TimeSpan RequestTimeout { get; }

    public EtcdEndpoint Endpoint(int index) => _endpoints[index];

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

    /// <summary>Call options for one attempt: its own deadline, and the caller's cancellation.</summary>
    public CallOptions Options(CancellationToken ct, Metadata? headers = null) =>
        new(headers, DateTime.UtcNow + RequestTimeout, ct);

    /// <summary>
    /// One call, failing over between endpoints within (endpoints x RequestTimeout). <paramref name="call"/> makes the
    /// call on the endpoint it is given, with the options it is given.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<EtcdEndpoint, CallOptions, Task<T>> call, RetryPolicy retry, CancellationToken ct)
    {
        var failures = new List<EtcdUnavailableException>();
        foreach (var index in Order())
        {
            var attempt = await AttemptAsync(index, call, ct);
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

        throw GrpcErrors.Combine(failures);
    }

    /// <summary>One attempt against one endpoint (for probes that must ask a particular member).</summary>
    public async Task<T> CallToAsync<T>(int index, Func<EtcdEndpoint, CallOptions, Task<T>> call, CancellationToken ct)
    {
        var attempt = await AttemptAsync(index, call, ct);
        return attempt.Failure is null ? attempt.Response! : throw attempt.Failure;
    }

    public void Dispose()
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Dispose();
        }
    }

    private async Task<Attempt<T>> AttemptAsync<T>(int index, Func<EtcdEndpoint, CallOptions, Task<T>> call, CancellationToken ct)
    {
        var endpoint = _endpoints[index];
        try
        {
            return new(await call(endpoint, Options(ct)), null, false);
        }
        catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // The caller gave up on this endpoint: if it is hung, callers with short deadlines (lease keepalive)
            // must not keep starting there.
            MarkBad(index);
            throw ex as OperationCanceledException ?? new OperationCanceledException("the call was cancelled", ex, ct);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.DeadlineExceeded)
        {
            var error = GrpcErrors.Classify(endpoint.Url, ex);
            return error is EtcdUnavailableException unavailable ? new(default, unavailable, GrpcErrors.NeverSent(ex)) : throw error;
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException)
        {
            // Not the caller's token, so the deadline (a connect timeout also cancels, and it means "never sent").
            return new(default, GrpcErrors.NoAnswer(endpoint.Url, RequestTimeout, ex), GrpcErrors.NeverSent(ex));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new(default, GrpcErrors.Broken(endpoint.Url, ex), GrpcErrors.NeverSent(ex));
        }
    }

    /// <summary>Outcome of one attempt: a response, or why there is none and whether the request surely never left.</summary>
    private readonly record struct Attempt<T>(T? Response, EtcdUnavailableException? Failure, bool NotSent);
}
