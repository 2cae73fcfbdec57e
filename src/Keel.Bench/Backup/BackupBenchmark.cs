using System.Globalization;
using Keel.Agent.Backup;
using Keel.Bench.Sysbench;
using Keel.Core.Backup;
using Keel.MySql.Server;
using Keel.Os;

namespace Keel.Bench.Backup;

/// <summary>
/// `keel bench backup` on the playground: Keel's backup (`keel backup`, from the replica the rule chooses) against the
/// raw `mariabackup --stream | zstd -1 > file` pipe on the same member, each timed several times, and the primary's
/// TPS through the read-write endpoint without and while a replica is backed up (goal: at least 0.95).
/// </summary>
public sealed class BackupBenchmark(PlaygroundBenchCluster cluster, double sizeGb, int repetitions, string workDir, Action<string> progress)
{
    private static readonly TimeSpan Healthy = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan BackupWait = TimeSpan.FromHours(1);
    private const int Threads = 4;

    public async Task<BackupBenchReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var (sysbench, tables, source, reason) = await ReadyAsync(cluster, sizeGb, progress, ct);
        progress($"backups come from {source}: {reason}");

        var raw = new List<(double Seconds, long Stored)>();
        for (var i = 1; i <= repetitions; i++)
        {
            progress($"raw backup {i}/{repetitions}: mariabackup --backup --stream=mbstream | zstd -1 -T0 > file, from {source}");
            raw.Add(await RawAsync(cluster.Server(source), Path.Combine(workDir, $"raw-{i}"), ct));
            progress(string.Create(CultureInfo.InvariantCulture, $"raw backup {i}: {raw[^1].Stored / 1e6:0} MB stored in {raw[^1].Seconds:0.0} s"));
        }

        var store = new BackupStore(cluster.Etcd, cluster.Store.Keys);
        var repository = new DirectoryBackupRepository(cluster.Layout.Backups);
        var keel = new List<BackupManifest>();
        for (var i = 1; i <= repetitions; i++)
        {
            progress($"Keel backup {i}/{repetitions} from {source}");
            keel.Add(await TakeAsync(store, repository, source, "keel bench backup", ct));
            progress(string.Create(CultureInfo.InvariantCulture, $"Keel backup {i}: {keel[^1].StreamBytes / 1e6:0} MB read, {keel[^1].StoredBytes / 1e6:0} MB stored in {keel[^1].Duration.TotalSeconds:0.0} s"));
        }

        var phase = TimeSpan.FromSeconds(Math.Max(5, 0.9 * BenchDataset.Median(keel.Select(k => k.Duration.TotalSeconds))));
        Task<SysbenchFigures> Load() => sysbench.RunAsync(cluster.SysbenchTarget, SysbenchWorkloads.ReadWrite, Threads, phase, ct);
        progress($"primary TPS through the read-write endpoint: sysbench oltp_read_write, {Threads} threads, phases of {phase.TotalSeconds:0} s, without and while {source} is backed up");
        var (without, during) = await BenchDataset.AlternatingTpsAsync(Load, async load =>
        {
            var taking = TakeAsync(store, repository, source, "keel bench backup", ct);
            await Eventually.UntilAsync(async () => await store.ProgressAsync(ct) is not null || taking.IsCompleted ? "ok" : null, BackupWait, "the backup to start", TimeSpan.FromMilliseconds(100));
            var figures = await load();
            await taking;
            return figures;
        }, repetitions, "during a backup", progress);

        return new BackupBenchReport(Environment.MachineName + $" ({Environment.ProcessorCount} cores)", started, tables, source,
            [.. raw.Select(r => r.Seconds)], BenchDataset.Median(raw.Select(r => (double)r.Stored)),
            [.. keel.Select(k => k.Duration.TotalSeconds)], BenchDataset.Median(keel.Select(k => (double)k.StreamBytes)), BenchDataset.Median(keel.Select(k => (double)k.StoredBytes)),
            without, during, phase.TotalSeconds, [.. keel.Select(k => k.Id)]);
    }

    private static async Task<(double Seconds, long Stored)> RawAsync(MariaDbServer source, string dir, CancellationToken ct)
    {
        var file = Path.Combine(dir, "backup.mbstream.zst");
        var took = await Clone.RawCopy.PipeAsync(source, dir, $"{Clone.RawCopy.Q(ExternalPrograms.Path("zstd"))} -1 -T0 -q -c > {Clone.RawCopy.Q(file)}", ct);
        var stored = new FileInfo(file).Length;
        // The bench's own scratch copy, never a member's datadir nor a backup in the repository.
        Directory.Delete(dir, recursive: true);
        return (took.TotalSeconds, stored);
    }

    /// <summary>
    /// A healthy playground with the dataset prepared (or adopted) and every replica caught up, and the member the
    /// backup rule takes backups from: what the backup and restore benches start with.
    /// </summary>
    public static async Task<(SysbenchRunner Sysbench, int Tables, string Source, string Reason)> ReadyAsync(PlaygroundBenchCluster cluster, double sizeGb, Action<string> progress, CancellationToken ct)
    {
        await cluster.WaitForHealthyAsync(Healthy);
        var sysbench = new SysbenchRunner(new SysbenchRunnerOptions { PrepareTimeout = TimeSpan.FromHours(2) });
        var tables = BenchDataset.TablesFor(sizeGb);
        await BenchDataset.PrepareOrAdoptAsync(cluster, sysbench, tables, Threads, progress, ct);
        await BenchDataset.CaughtUpAsync(cluster, Healthy);
        var (source, reason) = BackupSource.Choose(await cluster.ViewAsync(), null);
        return source is null ? throw new InvalidOperationException($"no member can serve a backup: {reason}") : (sysbench, tables, source, reason);
    }

    /// <summary>One backup through Keel (the request in etcd, taken by the source's agent), waited for.</summary>
    public static async Task<BackupManifest> TakeAsync(BackupStore store, DirectoryBackupRepository repository, string source, string by, CancellationToken ct)
    {
        var id = BackupWorker.Id(DateTimeOffset.UtcNow, source);
        if (!await store.RequestAsync(new BackupRequest(id, source, DateTimeOffset.UtcNow, by), ct))
        {
            throw new InvalidOperationException("a backup is already requested or running; wait for it and run the benchmark again");
        }
        var outcome = await Eventually.UntilAsync(async () => await store.LastAsync(ct) is { } last && last.Id == id ? last : null, BackupWait, $"backup {id}", TimeSpan.FromMilliseconds(250));
        return outcome.Succeeded && repository.Find(id) is { } manifest
            ? manifest
            : throw new InvalidOperationException($"backup {id} failed: {outcome.Message}");
    }
}
