using System.Globalization;
using System.Text.Json;
using Keel.Agent.Store;
using Keel.Core.Backup;
using Keel.Etcd;

namespace Keel.Agent.Backup;

/// <summary>
/// The backup keys in etcd: one request at a time (backup/request), the backup running now under its taker's lease
/// (backup/progress: it vanishes when the taker dies), how the last one went (backup/last), and the last scheduled
/// slot (backup/slot, the lock that lets exactly one agent schedule each slot).
/// </summary>
public sealed class BackupStore(IEtcdClient etcd, KeyLayout keys)
{
    /// <summary>Writes the request unless one is waiting or a backup runs; false when refused.</summary>
    public async Task<bool> RequestAsync(BackupRequest request, CancellationToken ct) =>
        (await etcd.TxnAsync(new TxnRequest(
            [Compare.Absent(keys.BackupRequest), Compare.Absent(keys.BackupProgress)],
            [new PutOp(keys.BackupRequest, Write(request))], []), ct)).Succeeded;

    /// <summary>The scheduled request for <paramref name="slot"/>, written only if no agent scheduled that slot yet.</summary>
    public async Task<bool> ScheduleAsync(DateTimeOffset slot, DateTimeOffset? lastSlot, BackupRequest request, CancellationToken ct)
    {
        var slotText = slot.ToString("O", CultureInfo.InvariantCulture);
        var guard = lastSlot is { } last ? Compare.ValueIs(keys.BackupSlot, last.ToString("O", CultureInfo.InvariantCulture)) : Compare.Absent(keys.BackupSlot);
        return (await etcd.TxnAsync(new TxnRequest(
            [guard, Compare.Absent(keys.BackupRequest), Compare.Absent(keys.BackupProgress)],
            [new PutOp(keys.BackupSlot, slotText), new PutOp(keys.BackupRequest, Write(request))], []), ct)).Succeeded;
    }

    /// <summary>Marks a slot as done without a backup (it was missed, and says so in backup/last).</summary>
    public async Task<bool> SkipSlotAsync(DateTimeOffset slot, DateTimeOffset? lastSlot, BackupOutcome missed, CancellationToken ct)
    {
        var guard = lastSlot is { } last ? Compare.ValueIs(keys.BackupSlot, last.ToString("O", CultureInfo.InvariantCulture)) : Compare.Absent(keys.BackupSlot);
        return (await etcd.TxnAsync(new TxnRequest([guard],
            [new PutOp(keys.BackupSlot, slot.ToString("O", CultureInfo.InvariantCulture)), new PutOp(keys.BackupLast, Write(missed))], []), ct)).Succeeded;
    }

    public async Task<DateTimeOffset?> LastSlotAsync(CancellationToken ct) =>
        (await etcd.GetAsync(keys.BackupSlot, ct)).Kvs.FirstOrDefault() is { } kv
            && DateTimeOffset.TryParse(kv.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    /// <summary>The waiting request and its revision (what a claim or a drop compares against), or null.</summary>
    public async Task<(BackupRequest Request, long Revision)?> RequestedAsync(CancellationToken ct)
    {
        var kv = (await etcd.GetAsync(keys.BackupRequest, ct)).Kvs.FirstOrDefault();
        try
        {
            return kv is not null && JsonSerializer.Deserialize(kv.Value, BackupJson.Default.BackupRequest) is { } r ? (r, kv.ModRevision) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task<BackupProgress?> ProgressAsync(CancellationToken ct) => await ReadAsync(keys.BackupProgress, BackupJson.Default.BackupProgress, ct);

    public async Task<BackupOutcome?> LastAsync(CancellationToken ct) => await ReadAsync(keys.BackupLast, BackupJson.Default.BackupOutcome, ct);

    /// <summary>The taker claims the request: it goes, and backup/progress appears under the taker's lease, in one step.</summary>
    public async Task<bool> ClaimAsync(long requestRevision, BackupProgress progress, long lease, CancellationToken ct) =>
        (await etcd.TxnAsync(new TxnRequest(
            [Compare.ModRevisionIs(keys.BackupRequest, requestRevision), Compare.Absent(keys.BackupProgress)],
            [new DeleteOp(keys.BackupRequest), new PutOp(keys.BackupProgress, Write(progress), lease)], []), ct)).Succeeded;

    public Task PutProgressAsync(BackupProgress progress, long lease, CancellationToken ct) =>
        etcd.PutAsync(keys.BackupProgress, Write(progress), lease, ct);

    /// <summary>Drops a request nobody can carry out (its source is gone), saying why in backup/last.</summary>
    public async Task DropAsync(long requestRevision, BackupOutcome outcome, CancellationToken ct) =>
        await etcd.TxnAsync(new TxnRequest([Compare.ModRevisionIs(keys.BackupRequest, requestRevision)],
            [new DeleteOp(keys.BackupRequest), new PutOp(keys.BackupLast, Write(outcome))], []), ct);

    public async Task FinishAsync(BackupOutcome outcome, CancellationToken ct) =>
        await etcd.TxnAsync(new TxnRequest([], [new PutOp(keys.BackupLast, Write(outcome)), new DeleteOp(keys.BackupProgress)], []), ct);

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, typeof(T), BackupJson.Default);

    private async Task<T?> ReadAsync<T>(string key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct) where T : class
    {
        var kv = (await etcd.GetAsync(key, ct)).Kvs.FirstOrDefault();
        try
        {
            return kv is null ? null : JsonSerializer.Deserialize(kv.Value, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
