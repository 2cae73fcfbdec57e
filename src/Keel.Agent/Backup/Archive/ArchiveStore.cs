using System.Text.Json;
using Keel.Agent.Store;
using Keel.Core.Backup.Archive;
using Keel.Etcd;

namespace Keel.Agent.Backup.Archive;

/// <summary>
/// The archiver's keys in etcd: archive/lock (the member that archives, under its lease: one archiver at a time,
/// and the lock moves when that agent dies) and archive/status (what it last reported, under the same lease).
/// </summary>
public sealed class ArchiveStore(IEtcdClient etcd, KeyLayout keys)
{
    public async Task<bool> TryLockAsync(string member, long lease, CancellationToken ct) =>
        (await etcd.TxnAsync(new TxnRequest([Compare.Absent(keys.ArchiveLock)], [new PutOp(keys.ArchiveLock, member, lease)], []), ct)).Succeeded;

    public Task PutStatusAsync(ArchiveStatus status, long lease, CancellationToken ct) =>
        etcd.PutAsync(keys.ArchiveStatus, JsonSerializer.Serialize(status, BackupJson.Default.ArchiveStatus), lease, ct);
}
