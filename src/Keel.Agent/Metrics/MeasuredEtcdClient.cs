using Keel.Etcd;

namespace Keel.Agent.Metrics;

/// <summary>
/// Times every etcd request of the agent and counts the failed ones (keel_etcd_request_seconds,
/// keel_etcd_request_errors_total), around the real client. Watches pass through untimed: they last as long as the agent.
/// </summary>
public sealed class MeasuredEtcdClient(IEtcdClient inner, AgentMetrics metrics, TimeProvider time) : IEtcdClient
{
    private async Task<T> TimedAsync<T>(string operation, Func<Task<T>> call)
    {
        var started = time.GetTimestamp();
        var failed = true;
        try
        {
            var result = await call();
            failed = false;
            return result;
        }
        catch (EtcdLeaseNotFoundException)
        {
            // An answer, not a failure of etcd: the lease is gone (the session handles it).
            failed = false;
            throw;
        }
        finally
        {
            metrics.ObserveEtcd(operation, time.GetElapsedTime(started), failed);
        }
    }

    public Task<RangeResult> GetAsync(string key, CancellationToken ct = default) => TimedAsync("get", () => inner.GetAsync(key, ct));

    public Task<RangeResult> GetPrefixAsync(string prefix, CancellationToken ct = default) => TimedAsync("get_prefix", () => inner.GetPrefixAsync(prefix, ct));

    public Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken ct = default) => TimedAsync("put", () => inner.PutAsync(key, value, lease, ct));

    public Task<long> DeleteAsync(string key, CancellationToken ct = default) => TimedAsync("delete", () => inner.DeleteAsync(key, ct));

    public Task<long> DeletePrefixAsync(string prefix, CancellationToken ct = default) => TimedAsync("delete_prefix", () => inner.DeletePrefixAsync(prefix, ct));

    public Task<TxnResult> TxnAsync(TxnRequest txn, CancellationToken ct = default) => TimedAsync("txn", () => inner.TxnAsync(txn, ct));

    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct = default) => TimedAsync("lease_grant", () => inner.GrantLeaseAsync(ttl, ct));

    public Task<long> KeepAliveOnceAsync(long leaseId, CancellationToken ct = default) => TimedAsync("lease_keepalive", () => inner.KeepAliveOnceAsync(leaseId, ct));

    public Task RevokeLeaseAsync(long leaseId, CancellationToken ct = default) => TimedAsync("lease_revoke", async () =>
    {
        await inner.RevokeLeaseAsync(leaseId, ct);
        return true;
    });

    public IAsyncEnumerable<WatchEvent> WatchPrefixAsync(string prefix, long startRevision, CancellationToken ct = default) =>
        inner.WatchPrefixAsync(prefix, startRevision, ct);

    /// <summary>The inner client belongs to whoever created it.</summary>
    public void Dispose()
    {
    }
}
