// etcd v3 over its gRPC API, on the generated KV, Lease, Watch and Cluster clients that dotnet-etcd ships. Keel
// uses those stubs, not dotnet-etcd's EtcdClient: that one prints to stdout, and its keepalive and watch helpers
// reconnect (or fail to) by their own rules; here every call has Keel's deadline, failover and error contract.

using System.Runtime.CompilerServices;
using Grpc.Core;
using Keel.Etcd.Grpc;
using Proto = Etcdserverpb;

namespace Keel.Etcd;

/// <summary>etcd v3 over gRPC: kv, txn, leases, watch. Thread-safe; one instance per process is enough.</summary>
public sealed class EtcdClient : IEtcdClient
{
    private readonly GrpcTransport _transport;

    public EtcdClient(EtcdClientOptions options) => _transport = new GrpcTransport(options);

    public Task<RangeResult> GetAsync(string key, CancellationToken ct = default) =>
        RangeAsync(ProtoMapping.ToRangeRequest(key, prefix: false), ct);

    public Task<RangeResult> GetPrefixAsync(string prefix, CancellationToken ct = default) =>
        RangeAsync(ProtoMapping.ToRangeRequest(prefix, prefix: true), ct);

    public async Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken ct = default)
    {
        var request = ProtoMapping.ToPutRequest(key, value, lease);
        var response = await _transport.CallAsync(
            async (e, o) => await e.Kv.PutAsync(request, o), RetryPolicy.OnlyIfNotSent, ct);
        return response.Header?.Revision ?? 0;
    }

    public Task<long> DeleteAsync(string key, CancellationToken ct = default) =>
        DeleteRangeAsync(ProtoMapping.ToDeleteRequest(key, prefix: false), ct);

    public Task<long> DeletePrefixAsync(string prefix, CancellationToken ct = default) =>
        DeleteRangeAsync(ProtoMapping.ToDeleteRequest(prefix, prefix: true), ct);

    public async Task<TxnResult> TxnAsync(TxnRequest txn, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(txn);
        var request = ProtoMapping.ToTxnRequest(txn);
        var response = await _transport.CallAsync(
            async (e, o) => await e.Kv.TxnAsync(request, o), RetryPolicy.OnlyIfNotSent, ct);
        return ProtoMapping.ToTxnResult(txn, response);
    }

    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct = default)
    {
        // A grant sent twice only leaves an unused lease that expires by itself, but the caller would not know
        // its id; treat it as a write.
        var request = new Proto.LeaseGrantRequest { TTL = WholeSeconds(ttl) };
        var response = await _transport.CallAsync(
            async (e, o) => await e.Lease.LeaseGrantAsync(request, o), RetryPolicy.OnlyIfNotSent, ct);
        return string.IsNullOrEmpty(response.Error) ? response.ID : throw new EtcdException(response.Error);
    }

    public async Task<long> KeepAliveOnceAsync(long leaseId, CancellationToken ct = default)
    {
        // Renewing twice is harmless, so any endpoint may be tried. etcd has no unary keepalive: each renewal opens
        // a short-lived stream (one more HTTP/2 stream on the member's connection), so a stream that broke with
        // etcd cannot outlive the outage and stop renewals for good.
        var ttl = await _transport.CallAsync(
            async (e, o) =>
            {
                using var call = e.Lease.LeaseKeepAlive(o);
                await call.RequestStream.WriteAsync(new Proto.LeaseKeepAliveRequest { ID = leaseId }, o.CancellationToken);
                if (!await call.ResponseStream.MoveNext(o.CancellationToken))
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, "keepalive stream ended without an answer"));
                }

                var answer = call.ResponseStream.Current.TTL;
                await call.RequestStream.CompleteAsync();
                return answer;
            },
            RetryPolicy.AnyFailure,
            ct);

        // The keepalive stream answers an unknown lease with TTL 0 rather than an error (as clientv3 also reads it).
        return ttl > 0 ? ttl : throw new EtcdLeaseNotFoundException($"lease {leaseId:x} not found (expired or revoked)");
    }

    public async Task RevokeLeaseAsync(long leaseId, CancellationToken ct = default)
    {
        var request = new Proto.LeaseRevokeRequest { ID = leaseId };
        try
        {
            await _transport.CallAsync(async (e, o) => await e.Lease.LeaseRevokeAsync(request, o), RetryPolicy.AnyFailure, ct);
        }
        catch (EtcdLeaseNotFoundException)
        {
            // Already expired or revoked: the goal is reached.
        }
    }

    public async IAsyncEnumerable<WatchEvent> WatchPrefixAsync(
        string prefix, long startRevision, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var stream = await WatchStream.OpenAsync(_transport, ProtoMapping.ToWatchRequest(prefix, startRevision), ct);
        while (true)
        {
            foreach (var ev in await stream.NextAsync(ct))
            {
                yield return ev;
            }
        }
    }

    public void Dispose() => _transport.Dispose();

    /// <summary>Members as etcd lists them (name and peer URLs); used to check who answers on a port.</summary>
    internal async Task<IReadOnlyList<EtcdMember>> MemberListAsync(CancellationToken ct)
    {
        var response = await _transport.CallAsync(
            async (e, o) => await e.Cluster.MemberListAsync(new Proto.MemberListRequest(), o), RetryPolicy.AnyFailure, ct);
        return [.. response.Members.Select(m => new EtcdMember(m.Name, [.. m.PeerURLs]))];
    }

    /// <summary>
    /// The status of the member behind the first endpoint alone (no failover to another: the question is about that
    /// member): whether it is the raft leader, for tests and the playground that fault the leader on purpose.
    /// </summary>
    public async Task<EtcdMemberStatus> MemberStatusAsync(CancellationToken ct = default)
    {
        var response = await _transport.CallToAsync(0,
            async (e, o) => await e.Maintenance.StatusAsync(new Proto.StatusRequest(), o), ct);
        return new EtcdMemberStatus(response.Header.MemberId, response.Leader, (long)response.RaftTerm, response.DbSize, response.Version);
    }

    /// <summary>etcd takes whole seconds; round up so a lease never lives shorter than asked.</summary>
    internal static long WholeSeconds(TimeSpan ttl) =>
        Math.Max(1, (ttl.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);

    private async Task<RangeResult> RangeAsync(Proto.RangeRequest request, CancellationToken ct)
    {
        var response = await _transport.CallAsync(
            async (e, o) => await e.Kv.RangeAsync(request, o), RetryPolicy.AnyFailure, ct);
        return ProtoMapping.ToRangeResult(response, 0);
    }

    private async Task<long> DeleteRangeAsync(Proto.DeleteRangeRequest request, CancellationToken ct)
    {
        var response = await _transport.CallAsync(
            async (e, o) => await e.Kv.DeleteRangeAsync(request, o), RetryPolicy.OnlyIfNotSent, ct);
        return response.Deleted;
    }
}
