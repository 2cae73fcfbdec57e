using System.Globalization;
using Keel.Agent.Configuration;
using Keel.Agent.Logging;
using Keel.Agent.Store;
using Keel.Core.Backup;
using Keel.Etcd;
using Keel.MySql.Server;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Backup;

/// <summary>
/// Runs beside the HA loop, never inside it (a backup takes minutes; a tick takes milliseconds). Every second it
/// looks at backup/request: a request for this member is claimed (under a lease of its own, so a taker that dies
/// frees the slot) and carried out; a request whose source no longer publishes its state is dropped with the reason.
/// The primary's agent also schedules: when a slot of backup.schedule is due, it writes the request for the source
/// the rule chooses, guarded by backup/slot so that each slot runs once whichever agent leads.
/// </summary>
public sealed class BackupWorker(AgentConfig config, IEtcdClient etcd, ClusterStore cluster, BackupStore store, MariaDbServer server, TimeProvider time, ILogger log,
    Metrics.AgentMetrics? metrics = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(15);

    private string Self => config.Member.Name;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Poll, time, ct);
                await TickAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is EtcdException or IOException or OperationCanceledException)
            {
                // etcd unreachable or slow: the HA loop says so; the next poll tries again.
            }
        }
    }

    private static readonly TimeSpan LastOutcomeEvery = TimeSpan.FromSeconds(15);
    private DateTimeOffset _lastOutcomeReadAt = DateTimeOffset.MinValue;

    private async Task TickAsync(CancellationToken ct)
    {
        var view = await cluster.ReadAsync(ct);
        if (metrics is not null && config.Backup is not null && view.Leader?.Name == Self && time.GetUtcNow() - _lastOutcomeReadAt >= LastOutcomeEvery)
        {
            // For the "backup missed" alert: one agent (the leader's) says when the cluster's last backup ended and how.
            _lastOutcomeReadAt = time.GetUtcNow();
            if (await store.LastAsync(ct) is { } last)
            {
                metrics.LastBackup(last.At, last.Succeeded);
            }
        }
        if (await store.RequestedAsync(ct) is { } pending)
        {
            var (request, revision) = pending;
            if (request.Source == Self)
            {
                await TakeAsync(request, revision, ct);
            }
            else if (view.Leader?.Name == Self && !view.Members.ContainsKey(request.Source))
            {
                var why = $"dropped backup request {request.Id} because its source {request.Source} publishes no state (agent down or cut off)";
                await RecordAsync(why, view.Leader?.Name, ct);
                await store.DropAsync(revision, new BackupOutcome(request.Id, request.Source, time.GetUtcNow(), false, why), ct);
            }
            return;
        }
        if (config.Backup?.Schedule is { } schedule && view.Leader?.Name == Self)
        {
            var now = time.GetUtcNow();
            var last = await store.LastSlotAsync(ct);
            if (!BackupSlots.IsDue(schedule, last, now) || await store.ProgressAsync(ct) is not null)
            {
                return;
            }
            var slot = schedule.SlotAt(now);
            var (source, reason) = BackupSource.Choose(view, null);
            if (source is null)
            {
                var why = $"missed the scheduled backup of {slot:yyyy-MM-dd HH:mm:ss} UTC ({schedule.Description}) because {reason}";
                await RecordAsync(why, view.Leader?.Name, ct);
                await store.SkipSlotAsync(slot, last, new BackupOutcome(Id(slot, "none"), "-", now, false, why), ct);
                return;
            }
            var id = Id(now, source);
            if (await store.ScheduleAsync(slot, last, new BackupRequest(id, source, now, $"schedule ({schedule.Description})"), ct))
            {
                log.BackupDecision(Self, $"asked {source} for scheduled backup {id} (slot {slot:yyyy-MM-dd HH:mm:ss} UTC, {schedule.Description}) because {reason}");
            }
        }
    }

    private async Task TakeAsync(BackupRequest request, long revision, CancellationToken ct)
    {
        if (config.Backup is not { } backup)
        {
            var why = $"refused backup {request.Id}: the agent of {Self} has no backup.repository configured";
            await RecordAsync(why, null, ct);
            await store.DropAsync(revision, new BackupOutcome(request.Id, Self, time.GetUtcNow(), false, why), ct);
            return;
        }
        var lease = await etcd.GrantLeaseAsync(LeaseTtl, ct);
        if (!await store.ClaimAsync(revision, new BackupProgress(request.Id, Self, 0, 0, 0, time.GetUtcNow()), lease, ct))
        {
            await etcd.RevokeLeaseAsync(lease, ct);
            return;
        }
        log.BackupDecision(Self, $"taking backup {request.Id} into {backup.Repository} because {request.By} asked for it");
        var repository = new DirectoryBackupRepository(backup.Repository);
        var taker = new BackupTaker(server, repository, time, p =>
        {
            log.BackupDecision(Self, Progress(p));
            metrics?.BackupProgress(p.Bytes, p.ExpectedBytes);
            // Fire and forget: progress is a courtesy, and the lease keeps the claim whatever happens to one update.
            _ = Task.Run(async () =>
            {
                try
                {
                    await etcd.KeepAliveOnceAsync(lease, CancellationToken.None);
                    await store.PutProgressAsync(p, lease, CancellationToken.None);
                }
                catch (Exception ex) when (ex is EtcdException or OperationCanceledException)
                {
                }
            }, CancellationToken.None);
        });
        BackupOutcome outcome;
        try
        {
            using var keepAlive = new Timer(_ => _ = etcd.KeepAliveOnceAsync(lease, CancellationToken.None).ContinueWith(t => t.Exception, TaskScheduler.Default),
                null, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3));
            var manifest = await taker.TakeAsync(request.Id, Self, ct);
            var sentence = string.Create(CultureInfo.InvariantCulture,
                $"took backup {manifest.Id}: {manifest.StreamBytes / 1e6:0.0} MB read, {manifest.StoredBytes / 1e6:0.0} MB stored in {manifest.Duration.TotalSeconds:0.0} s, at GTID {manifest.GtidPosition}");
            log.BackupDecision(Self, sentence);
            var passed = true;
            if (backup.Verify)
            {
                var verification = await new BackupVerifier(repository, time, text => log.BackupDecision(Self, text))
                    .VerifyAsync(manifest.Id, Path.Combine(config.Member.RunDir, "verify"), ct);
                passed = verification.Passed;
                if (!passed)
                {
                    await RecordAsync($"backup {manifest.Id} failed verification: {verification.Detail}", null, ct);
                }
                sentence += verification.Passed ? "; verified: " + verification.Detail : "; VERIFY FAILED: " + verification.Detail;
                log.BackupDecision(Self, verification.Passed ? $"verified backup {manifest.Id}: {verification.Detail}" : $"backup {manifest.Id} failed verification: {verification.Detail}");
            }
            var (remove, reason) = BackupRetention.ToRemove(repository.List(), backup.Retention, time.GetUtcNow());
            foreach (var old in remove)
            {
                repository.Remove(old.Id);
            }
            if (remove.Count > 0)
            {
                log.BackupDecision(Self, $"removed {remove.Count} old backup(s) ({string.Join(", ", remove.Select(r => r.Id))}) because {reason}");
            }
            try
            {
                PruneArchive(repository, backup);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // The backup itself succeeded: an archive that cannot be pruned now is pruned after the next one.
                log.BackupFailed(Self, $"could not prune the binlog archive: {ex.Message}");
            }
            outcome = new BackupOutcome(manifest.Id, Self, time.GetUtcNow(), passed, sentence);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or Keel.Os.ProgramListException)
        {
            var why = $"backup {request.Id} failed: {ex.Message}";
            await RecordAsync(why, null, ct);
            outcome = new BackupOutcome(request.Id, Self, time.GetUtcNow(), false, why);
        }
        metrics?.BackupProgress(0, 0);
        await store.FinishAsync(outcome, ct);
        await etcd.RevokeLeaseAsync(lease, ct);
    }

    /// <summary>
    /// Archive retention follows backup retention: archived binlog files that the oldest kept backup already holds are
    /// never replayed by any restore (every restore starts from a backup), so they go. Logged with what and why.
    /// </summary>
    private void PruneArchive(DirectoryBackupRepository repository, BackupConfig backup)
    {
        if (!backup.ArchiveBinlogs)
        {
            return;
        }
        var oldest = repository.List().OrderBy(m => m.StartedAt).FirstOrDefault();
        var archive = new Archive.BinlogArchive(backup.Repository);
        var prunable = Keel.Core.Backup.Archive.ArchiveRetention.Prunable(archive.ReadAll(),
            oldest is null ? null : Keel.Core.Gtid.GtidPosition.Parse(oldest.GtidPosition));
        if (prunable.Count == 0)
        {
            return;
        }
        long bytes = 0;
        foreach (var file in prunable)
        {
            var path = Path.Combine(archive.SegmentPath(file.Segment), file.Name);
            bytes += new FileInfo(path).Length;
            File.Delete(path);
        }
        foreach (var segment in prunable.Select(f => f.Segment).Distinct(StringComparer.Ordinal)
            .Where(s => !Directory.EnumerateFileSystemEntries(archive.SegmentPath(s)).Any()))
        {
            Directory.Delete(archive.SegmentPath(segment));
        }
        log.BackupDecision(Self, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"removed {prunable.Count} archived binlog file(s) ({bytes / 1048576.0:0.#} MB, {prunable[0].Segment}/{prunable[0].Name} to {prunable[^1].Segment}/{prunable[^1].Name}) because the oldest kept backup {oldest!.Id} already holds every transaction in them"));
    }

    /// <summary>A failed, missed or dropped backup: in the log, and in `keel history` beside the leadership changes.</summary>
    private async Task RecordAsync(string why, string? leader, CancellationToken ct)
    {
        log.BackupFailed(Self, why);
        try
        {
            leader ??= (await cluster.ReadAsync(ct)).Leader?.Name;
            await cluster.AppendHistoryAsync(new HistoryEntry(time.GetUtcNow(), leader, leader ?? "-", why, ""), ct);
        }
        catch (EtcdException)
        {
            // backup/last still says it, and the log.
        }
    }

    /// <summary>"backup-20261207-043000-m2": sortable by time, names the member; only letters, digits and '-'.</summary>
    public static string Id(DateTimeOffset at, string member) =>
        $"backup-{at.UtcDateTime:yyyyMMdd-HHmmss}-{member}";

    public static string Progress(BackupProgress p)
    {
        var eta = p.BytesPerSecond > 0 && p.ExpectedBytes > p.Bytes ? $"about {(p.ExpectedBytes - p.Bytes) / p.BytesPerSecond:0} s left" : "finishing";
        return string.Create(CultureInfo.InvariantCulture,
            $"backup {p.Id}: {p.Bytes / 1e6:0.0} MB of about {p.ExpectedBytes / 1e6:0.0} MB read, {p.BytesPerSecond / 1e6:0.0} MB/s, {eta}");
    }
}
