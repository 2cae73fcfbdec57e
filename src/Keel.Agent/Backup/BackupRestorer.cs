using System.Diagnostics;
using System.Globalization;
using Keel.Agent.Backup.Archive;
using Keel.Core.Backup.Archive;
using Keel.Core.Clone;
using Keel.Core.Gtid;
using Keel.MySql;
using Keel.MySql.Server;

namespace Keel.Agent.Backup;

/// <summary>A restore was refused before anything was written: why, in one sentence.</summary>
public sealed class RestoreRefusedException(string message) : Exception(message);

/// <summary>
/// Builds a datadir from a backup and the archived binlogs, as a <see cref="RestorePlan"/> says: the backup is
/// extracted (checksum checked) into DATADIR.restoring, prepared and given its recovery pass; a throwaway mariadbd
/// (no network) starts on it, takes the backup's GTID position as its binlog state, and replays the archive's ranges
/// with mariadb-binlog, each transaction keeping its GTID; the end position is checked, the server stops, and only
/// then the copy is renamed to DATADIR. An interrupted restore leaves DATADIR untouched (and says where the partial
/// copy is); an existing datadir is never written over.
/// </summary>
public sealed class BackupRestorer(IBackupRepository repository, BinlogArchive archive, TimeProvider time, Action<string> progress)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    /// <summary>Bytes the restore needs where <paramref name="dataDir"/> goes: the copy and the replayed binlogs, plus 10 %.</summary>
    public static long BytesNeeded(RestorePlan plan) =>
        (long)((plan.Backup.StreamBytes + (2 * plan.Ranges.Sum(r => r.End - r.Start))) * 1.1);

    /// <summary>Refusals that need no work: the target exists, or its filesystem is too small. Null when it can go ahead.</summary>
    public static string? Refusal(RestorePlan plan, string dataDir)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir));
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            return $"{target} exists and is not empty; Keel never writes over a datadir (move it aside, or choose another path)";
        }
        var existing = target;
        while (!Directory.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing) ?? "/";
        }
        var free = new DriveInfo(existing).AvailableFreeSpace;
        var needed = BytesNeeded(plan);
        return needed > free
            ? string.Create(CultureInfo.InvariantCulture, $"the restore needs {needed / 1e6:0.0} MB (the backup's {plan.Backup.StreamBytes / 1e6:0.0} MB and the binlogs to replay, plus 10 %) and {existing} has {free / 1e6:0.0} MB free")
            : null;
    }

    public async Task<GtidPosition> RestoreAsync(RestorePlan plan, string dataDir, CancellationToken ct)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir));
        if (Refusal(plan, target) is { } why)
        {
            throw new RestoreRefusedException(why);
        }
        var work = target + ".restoring";
        if (Directory.Exists(work))
        {
            var aside = OldCopies.AsidePath(work, ".interrupted-", time.GetUtcNow());
            Directory.Move(work, aside);
            progress($"an earlier restore into {target} was interrupted; its partial copy is kept in {aside}");
        }
        Directory.CreateDirectory(work);
        var run = ThrowawayServer.NewRunDir("kr");
        MariaDbServer? server = null;
        try
        {
            await ExtractAsync(plan, work, ct);
            progress("preparing the copy (mariabackup --prepare)");
            await MariaBackup.PrepareAsync(work, ct);
            // No flush per commit: a restore that stops midway is thrown away (the copy is renamed into place only after a
            // clean shutdown, which flushes everything), so per-transaction durability would only slow the replay down.
            server = ThrowawayServer.On(work, run, 4_000_001, new Dictionary<string, string> { ["sync_binlog"] = "0", ["innodb_flush_log_at_trx_commit"] = "2" });
            await server.RollBackPreparedTransactionsAsync(StartTimeout, ct);
            await server.StartAsync([], StartTimeout, ct);
            var end = await ReplayAsync(server, plan, ct);
            await server.StopAsync(TimeSpan.FromMinutes(2), ct);
            server = null;
            Directory.Move(work, target);
            return end;
        }
        catch (Exception ex) when (ex is not RestoreRefusedException and not OperationCanceledException)
        {
            throw new InvalidOperationException($"{ex.Message} (the partial copy is left in {work}; {target} was not touched)", ex);
        }
        finally
        {
            server?.Kill();
            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
        }
    }

    private async Task ExtractAsync(RestorePlan plan, string work, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        var total = plan.Backup.StreamBytes;
        progress(string.Create(CultureInfo.InvariantCulture, $"restoring backup {plan.Backup.Id} ({total / 1e6:0.0} MB, at GTID {plan.Backup.GtidPosition}) into {work}"));
        var failure = await BackupExtraction.ExtractAsync(repository, plan.Backup, work, bytes =>
        {
            if (clock.Elapsed - last < ProgressEvery)
            {
                return;
            }
            last = clock.Elapsed;
            var rate = bytes / Math.Max(0.001, clock.Elapsed.TotalSeconds);
            progress(string.Create(CultureInfo.InvariantCulture,
                $"restore: {bytes / 1e6:0.0} MB of {total / 1e6:0.0} MB, {rate / 1e6:0.0} MB/s, about {Math.Max(0, total - bytes) / Math.Max(1, rate):0} s left"));
        }, ct);
        if (failure is not null)
        {
            throw new InvalidOperationException(failure);
        }
    }

    /// <summary>The backup's position becomes the server's binlog state, then the archive's ranges are replayed in order.</summary>
    private async Task<GtidPosition> ReplayAsync(MariaDbServer server, RestorePlan plan, CancellationToken ct)
    {
        await using var c = await MySqlConnection.OpenAsync(server.RootOptions(TimeSpan.FromMinutes(5)), ct);
        var from = GtidPosition.Parse(plan.Backup.GtidPosition);
        // A fresh binlog that starts where the backup is: new transactions continue the cluster's sequence numbers.
        await c.QueryAsync("RESET MASTER", ct);
        if (!from.IsEmpty)
        {
            await c.QueryAsync($"SET GLOBAL gtid_binlog_state = {MySqlText.Quote(from.ToString())}", ct);
        }
        var done = 0;
        var clock = Stopwatch.StartNew();
        foreach (var range in plan.Ranges)
        {
            await server.ApplyBinlogAsync(Path.Combine(archive.SegmentPath(range.Segment), range.File), range.Start, range.End, ct);
            done += range.Transactions.Count;
            progress(string.Create(CultureInfo.InvariantCulture,
                $"replayed {done} of {plan.TransactionCount} archived transactions (through {range.Transactions[^1]}, {range.Segment}/{range.File}), {done / Math.Max(0.001, clock.Elapsed.TotalSeconds):0} per second"));
        }
        var reached = GtidPosition.Parse((await c.QueryAsync("SELECT @@global.gtid_binlog_pos", ct)).Scalar());
        if (reached.CompareWith(plan.End) is not GtidOrder.Equal)
        {
            throw new InvalidOperationException($"the replay ended at {reached}, not at {plan.End} as planned");
        }
        await c.QueryAsync($"SET GLOBAL gtid_slave_pos = {MySqlText.Quote(reached.ToString())}", ct);
        return reached;
    }
}
