// Hand-written client for etcd's v3 JSON gateway (HTTP/1.1 + JSON at /v3/...). It exists because the usual
// .NET clients (dotnet-etcd, anything on Grpc.Net.Client) cannot be restored from the package feeds served here.
// It covers only what Keel needs and is kept behind IEtcdClient, so a gRPC library can replace it later.

using System.Runtime.CompilerServices;
using Keel.Etcd.Http;
using Keel.Etcd.Wire;

namespace Keel.Etcd;

/// <summary>etcd v3 over the JSON gateway: kv, txn, leases, watch. Thread-safe; one instance per process is enough.</summary>
public sealed class EtcdClient : IEtcdClient
{
    private readonly GatewayTransport _transport;

    public EtcdClient(EtcdClientOptions options) => _transport = new GatewayTransport(options);

    public Task<RangeResult> GetAsync(string key, CancellationToken ct = default) =>
        RangeAsync(WireMapping.ToRangeRequest(key, prefix: false), ct);

    public Task<RangeResult> GetPrefixAsync(string prefix, CancellationToken ct = default) =>
        RangeAsync(WireMapping.ToRangeRequest(prefix, prefix: true), ct);

    public async Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken ct = default)
    {
        var response = await _transport.PostAsync(
            "/v3/kv/put",
            WireMapping.ToPutRequest(key, value, lease),
            WireJsonContext.Default.PutRequestDto,
            WireJsonContext.Default.PutResponseDto,
            RetryPolicy.OnlyIfNotSent,
            ct);
        return response.Header?.Revision ?? 0;
    }

    public Task<long> DeleteAsync(string key, CancellationToken ct = default) =>
        DeleteRangeAsync(WireMapping.ToDeleteRequest(key, prefix: false), ct);

    public Task<long> DeletePrefixAsync(string prefix, CancellationToken ct = default) =>
        DeleteRangeAsync(WireMapping.ToDeleteRequest(prefix, prefix: true), ct);

    public async Task<TxnResult> TxnAsync(TxnRequest txn, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(txn);
        var response = await _transport.PostAsync(
            "/v3/kv/txn",
            WireMapping.ToTxnRequest(txn),
            WireJsonContext.Default.TxnRequestDto,
            WireJsonContext.Default.TxnResponseDto,
            RetryPolicy.OnlyIfNotSent,
            ct);
        return WireMapping.ToTxnResult(txn, response);
    }

    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct = default)
    {
        // A grant sent twice only leaves an unused lease that expires by itself, but the caller would not know
        // its id; treat it as a write.
        var response = await _transport.PostAsync(
            "/v3/lease/grant",
            new LeaseGrantRequestDto { Ttl = WholeSeconds(ttl) },
            WireJsonContext.Default.LeaseGrantRequestDto,
            WireJsonContext.Default.LeaseGrantResponseDto,
            RetryPolicy.OnlyIfNotSent,
            ct);
        return string.IsNullOrEmpty(response.Error) ? response.Id : throw new EtcdException(response.Error);
    }

    public async Task<long> KeepAliveOnceAsync(long leaseId, CancellationToken ct = default)
    {
        // Renewing twice is harmless, so any endpoint may be tried.
        var envelope = await _transport.PostAsync(
            "/v3/lease/keepalive",
            new LeaseIdRequestDto { Id = leaseId },
            WireJsonContext.Default.LeaseIdRequestDto,
            WireJsonContext.Default.LeaseKeepAliveEnvelopeDto,
            RetryPolicy.AnyFailure,
            ct,
            check: (endpoint, e) => e.Error is { } error ? GatewayErrors.FromStream(endpoint, error) : null);

        // The keepalive stream answers an unknown lease with TTL 0 rather than an error (as clientv3 also reads it).
        var ttl = envelope.Result?.Ttl ?? 0;
        return ttl > 0 ? ttl : throw new EtcdLeaseNotFoundException($"lease {leaseId:x} not found (expired or revoked)");
    }

    public async Task RevokeLeaseAsync(long leaseId, CancellationToken ct = default)
    {
        try
        {
            await _transport.PostAsync(
                "/v3/lease/revoke",
                new LeaseIdRequestDto { Id = leaseId },
                WireJsonContext.Default.LeaseIdRequestDto,
                WireJsonContext.Default.LeaseRevokeResponseDto,
                RetryPolicy.AnyFailure,
                ct);
        }
        catch (EtcdLeaseNotFoundException)
        {
            // Already expired or revoked: the goal is reached.
        }
    }

    public async IAsyncEnumerable<WatchEvent> WatchPrefixAsync(
        string prefix, long startRevision, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var (key, end) = KeyRange.Prefix(prefix);
        var request = new WatchRequestDto { CreateRequest = new WatchCreateRequestDto { Key = key, RangeEnd = end, StartRevision = startRevision } };
        await using var stream = await WatchStream.OpenAsync(_transport, request, ct);
        while (true)
        {
            foreach (var ev in await stream.NextAsync(ct))
            {
                yield return ev;
            }
        }
    }

    public void Dispose() => _transport.Dispose();

    /// <summary>Members as etcd lists them (name, peer and client URLs); used to check who answers on a port.</summary>
    internal async Task<IReadOnlyList<MemberDto>> MemberListAsync(CancellationToken ct)
    {
        var response = await _transport.PostAsync(
            "/v3/cluster/member/list",
            new EmptyRequestDto(),
            WireJsonContext.Default.EmptyRequestDto,
            WireJsonContext.Default.MemberListResponseDto,
            RetryPolicy.AnyFailure,
            ct);
        return response.Members ?? [];
    }

    /// <summary>etcd takes whole seconds; round up so a lease never lives shorter than asked.</summary>
    internal static long WholeSeconds(TimeSpan ttl) =>
        Math.Max(1, (ttl.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);

    private async Task<RangeResult> RangeAsync(RangeRequestDto request, CancellationToken ct)
    {
        var response = await _transport.PostAsync(
            "/v3/kv/range",
            request,
            WireJsonContext.Default.RangeRequestDto,
            WireJsonContext.Default.RangeResponseDto,
            RetryPolicy.AnyFailure,
            ct);
        return WireMapping.ToRangeResult(response, 0);
    }

    private async Task<long> DeleteRangeAsync(DeleteRangeRequestDto request, CancellationToken ct)
    {
        var response = await _transport.PostAsync(
            "/v3/kv/deleterange",
            request,
            WireJsonContext.Default.DeleteRangeRequestDto,
            WireJsonContext.Default.DeleteRangeResponseDto,
            RetryPolicy.OnlyIfNotSent,
            ct);
        return response.Deleted;
    }
}
