using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Keel.Agent.Backup;
using Keel.Agent.Backup.Archive;
using Keel.Bench.Backup;
using Keel.Bench.Sysbench;
using Keel.Core.Backup;
using Keel.Core.Backup.Archive;
using Keel.MySql;
using Keel.MySql.Server;
using Keel.Playground;

namespace Keel.Bench.Restore;

/// <summary>
/// `keel bench restore` on the playground: a backup of the dataset, then a steady write load (acknowledged writes
/// timed by the client, plus sysbench) archived by the binlog archiver, then the whole cluster destroyed at once
/// (kill -9 of the supervisor, every agent and watchdog, then every server, while writes go on). A restore to the
/// newest archived transaction is timed, and the recovery point measured: the acknowledged writes the restored data
/// lacks, and how many seconds of them (goal: under 1 s at steady load).
/// </summary>
public sealed class RestoreBenchmark(PlaygroundBenchCluster cluster, double sizeGb, TimeSpan load, string workDir, Action<string> progress)
{
    private const int Threads = 2;

    public async Task<RestoreBenchReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var (sysbench, tables, source, _) = await BackupBenchmark.ReadyAsync(cluster, sizeGb, progress, ct);
        await AckedWriter.CreateTableAsync(cluster.ReadWrite);
        var repository = new DirectoryBackupRepository(cluster.Layout.Backups);
        progress($"backup from {source}");
        var backup = await BackupBenchmark.TakeAsync(new BackupStore(cluster.Etcd, cluster.Store.Keys), repository, source, "keel bench restore", ct);
        progress(string.Create(CultureInfo.InvariantCulture, $"backup {backup.Id}: {backup.StreamBytes / 1e6:0} MB at GTID {backup.GtidPosition}"));

        progress(string.Create(CultureInfo.InvariantCulture, $"write load for {load.TotalMinutes:0.#} min: 4 connections of acknowledged inserts and sysbench oltp_write_only ({Threads} threads) through the read-write endpoint, archived as they go"));
        var clock = Stopwatch.StartNew();
        var ackAt = new ConcurrentDictionary<long, TimeSpan>();
        var writer = new AckedWriter(cluster.ReadWrite, id => ackAt[id] = clock.Elapsed);
        using var stopWrites = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writing = writer.RunAsync(4, stopWrites.Token, maxRows: long.MaxValue, pause: TimeSpan.FromMilliseconds(5));
        try
        {
            await sysbench.RunAsync(cluster.SysbenchTarget, SysbenchWorkloads.WriteOnly, Threads, load, ct);
        }
        catch (SysbenchException ex)
        {
            progress($"sysbench stopped early ({ex.Message}); the acknowledged writes go on");
        }

        progress("destroying the whole cluster at once: kill -9 of the supervisor, the agents, the watchdogs, then every server, while writes go on");
        var destroyedAt = clock.Elapsed;
        Destroy();
        await stopWrites.CancelAsync();
        await writing;
        var acknowledged = ackAt.ToDictionary(kv => kv.Key, kv => kv.Value);
        var lastAck = acknowledged.Values.Max();
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // the archiver's stream ends with its server

        var archive = new BinlogArchive(cluster.Layout.Backups);
        var (plan, refusal) = RestorePlanner.Plan(repository.List(), archive.Timeline(), backup.Id, new RestoreTarget.Latest());
        if (plan is null)
        {
            throw new InvalidOperationException($"the restore was refused: {refusal}");
        }
        var data = Path.Combine(workDir, "restored");
        progress(string.Create(CultureInfo.InvariantCulture, $"restoring {backup.Id} and {plan.TransactionCount} archived transactions into {data}"));
        var restoring = Stopwatch.StartNew();
        await new BackupRestorer(repository, archive, TimeProvider.System, progress).RestoreAsync(plan, data, ct);
        var restoreSeconds = restoring.Elapsed.TotalSeconds;

        var restored = await RestoredIdsAsync(data, ct);
        var missing = acknowledged.Keys.Where(id => !restored.Contains(id)).ToList();
        var newestRestored = acknowledged.Where(kv => restored.Contains(kv.Key)).Select(kv => kv.Value).DefaultIfEmpty(TimeSpan.Zero).Max();
        var recoveryPoint = missing.Count == 0 ? 0 : (lastAck - newestRestored).TotalSeconds;
        progress(string.Create(CultureInfo.InvariantCulture, $"restored in {restoreSeconds:0.0} s; {missing.Count} of {acknowledged.Count} acknowledged writes missing, {recoveryPoint:0.000} s of them"));
        return new RestoreBenchReport(Environment.MachineName + $" ({Environment.ProcessorCount} cores)", started, tables, backup.Id, backup.StreamBytes,
            load.TotalMinutes, plan.TransactionCount, plan.Ranges.Sum(r => r.End - r.Start), restoreSeconds,
            acknowledged.Count, missing.Count, recoveryPoint, (destroyedAt - lastAck).TotalSeconds, data);
    }

    /// <summary>kill -9 of everything that could write or restart a server, then of every server.</summary>
    private void Destroy()
    {
        var layout = cluster.Layout;
        var pids = new List<int?> { ProcessTools.AlivePid(layout.SupervisorPid) };
        pids.AddRange(cluster.MemberNames.SelectMany(m => new[] { ProcessTools.AlivePid(layout.AgentPid(m)), ProcessTools.AlivePid(layout.WatchdogPid(m)) }));
        foreach (var pid in pids.OfType<int>())
        {
            ProcessTools.Signal(pid, 9);
        }
        foreach (var m in cluster.MemberNames)
        {
            cluster.Server(m).Kill();
        }
    }

    private static async Task<HashSet<long>> RestoredIdsAsync(string data, CancellationToken ct)
    {
        var run = ThrowawayServer.NewRunDir("kb");
        var server = ThrowawayServer.On(data, run, 4_000_002);
        try
        {
            await server.StartAsync([], TimeSpan.FromMinutes(10), ct);
            await using var c = await MySqlConnection.OpenAsync(server.RootOptions(TimeSpan.FromMinutes(5)), ct);
            var rows = await c.QueryAsync("SELECT id FROM app.acked", ct);
            return [.. rows.Rows.Select(r => long.Parse(r[0]!, CultureInfo.InvariantCulture))];
        }
        finally
        {
            server.Kill();
            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
        }
    }
}
