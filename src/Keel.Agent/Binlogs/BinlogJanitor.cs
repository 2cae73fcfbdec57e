using System.Globalization;
using Keel.Agent.Configuration;
using Keel.Agent.Ha;
using Keel.Agent.Logging;
using Keel.Core.Binlogs;
using Keel.Core.Model;
using Keel.MySql;
using Keel.MySql.Server;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Binlogs;

/// <summary>
/// Binlog retention beside the HA loop: every check interval it lists the local binlogs, asks the pure
/// <see cref="BinlogRetention"/> what may go, purges that (PURGE BINARY LOGS TO, which keeps the index right), and
/// keeps a summary for the member's record. It never purges without a fresh view of the cluster: who still needs what
/// is unknown without one.
/// </summary>
public sealed class BinlogJanitor(AgentConfig config, MariaDbServer server, AgentStatus status, TimeProvider time, ILogger log)
{
    private readonly BinlogNeeds _needs = new(config.Member.Name, config.Backup is { ArchiveBinlogs: true });
    private readonly BinlogGrowth _growth = new();
    private string? _lastWarnings;

    /// <summary>The summary of the last pass, for the member's record; null until one ran.</summary>
    public BinlogSummary? Latest { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(config.Binlogs.CheckInterval, time, ct);
                await PassAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MySqlException or IOException or TimeoutException or OperationCanceledException)
            {
                log.BinlogRetentionProblem(config.Member.Name, $"could not check binlog retention: {ex.Message}");
            }
        }
    }

    /// <summary>One pass; the plan it carried out, or null when the server or the cluster view was not there.</summary>
    public async Task<RetentionPlan?> PassAsync(CancellationToken ct)
    {
        var tick = status.Latest;
        var now = time.GetUtcNow();
        if (tick is not { Snapshot.Cluster: { } cluster } || tick.Snapshot.Local.Status != ServerStatus.Running
            || now - tick.At > config.Timing.Ttl)
        {
            return null;
        }
        await using var c = await MySqlConnection.OpenAsync(server.RootOptions(config.Timing.RequestTimeout) with { ConnectTimeout = config.Timing.RequestTimeout }, ct);
        var files = await ListAsync(c, ct);
        if (files.Count == 0)
        {
            return null;
        }
        var plan = BinlogRetention.Plan(files, _needs.From(cluster), config.Binlogs.Retention, now);
        var onDisk = files.Sum(f => f.Size);
        if (plan.PurgeTo is { } to)
        {
            await c.QueryAsync($"PURGE BINARY LOGS TO {MySqlText.Quote(to)}", ct);
            _growth.Purged(plan.Bytes);
            onDisk -= plan.Bytes;
            log.BinlogRetentionDecision(config.Member.Name, plan.Reason);
            status.Journal.Add(new JournalEntry(now, config.Member.Name, 820, plan.Reason));
        }
        var warnings = plan.Warnings.Count == 0 ? null : string.Join("; ", plan.Warnings);
        if (warnings is not null && warnings != _lastWarnings)
        {
            log.BinlogRetentionProblem(config.Member.Name, warnings);
        }
        _lastWarnings = warnings;
        var kept = files.SkipWhile(f => f.Name != (plan.PurgeTo ?? files[0].Name)).ToList();
        Latest = new BinlogSummary(kept.Count, onDisk, kept[0].Name, _growth.Sample(now, onDisk), warnings);
        return plan;
    }

    /// <summary>SHOW BINARY LOGS with each file's Gtid_list and its last write time (from the file, in the binlog directory).</summary>
    private async Task<IReadOnlyList<LocalBinlogFile>> ListAsync(MySqlConnection c, CancellationToken ct)
    {
        var files = new List<LocalBinlogFile>();
        foreach (var f in await Backup.Archive.PrimaryBinlogs.WithStartsAsync(c, ct))
        {
            var path = Path.Combine(config.BinlogDir, f.File);
            var info = new FileInfo(path);
            var size = info.Exists ? info.Length : 0;
            var written = info.Exists ? new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) : time.GetUtcNow();
            files.Add(new LocalBinlogFile(f.File, size, f.Start, written));
        }
        return files;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"binlog janitor of {config.Member.Name}");
}
