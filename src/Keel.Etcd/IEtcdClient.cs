namespace Keel.Etcd;

/// <summary>
/// The part of etcd's v3 API that Keel uses. Every call either returns etcd's answer, throws
/// <see cref="EtcdException"/> for an error etcd reported, or throws <see cref="EtcdUnavailableException"/> when
/// no endpoint answered in time: the outcome of a write is then unknown, never "no".
/// </summary>
public interface IEtcdClient : IDisposable
{
    Task<RangeResult> GetAsync(string key, CancellationToken ct = default);

    Task<RangeResult> GetPrefixAsync(string prefix, CancellationToken ct = default);

    /// <summary>Writes the key; returns the store revision of the write.</summary>
    Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken ct = default);

    /// <summary>Returns how many keys were deleted (0 or 1).</summary>
    Task<long> DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>Returns how many keys were deleted.</summary>
    Task<long> DeletePrefixAsync(string prefix, CancellationToken ct = default);

    Task<TxnResult> TxnAsync(TxnRequest txn, CancellationToken ct = default);

    /// <summary>Returns the new lease id; the TTL is rounded up to whole seconds (at least 1; etcd may raise it further).</summary>
    Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct = default);

    /// <summary>Renews the lease once; returns its TTL in seconds. Throws <see cref="EtcdLeaseNotFoundException"/> if it is gone.</summary>
    Task<long> KeepAliveOnceAsync(long leaseId, CancellationToken ct = default);

    /// <summary>Revokes the lease and deletes its keys; a lease that is already gone is not an error.</summary>
    Task RevokeLeaseAsync(long leaseId, CancellationToken ct = default);

    /// <summary>
    /// Streams changes under <paramref name="prefix"/> from <paramref name="startRevision"/> on. The stream ends by
    /// throwing <see cref="EtcdUnavailableException"/> when it breaks; re-watch from the last seen revision + 1.
    /// A start revision that etcd has compacted away throws <see cref="EtcdException"/> with code 11 (re-read instead).
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchPrefixAsync(string prefix, long startRevision, CancellationToken ct = default);
}
