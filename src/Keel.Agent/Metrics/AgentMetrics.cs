using Keel.Agent.Api;
using Keel.Agent.Ha;
using Keel.Core.Model;
using System.Globalization;
using Prometheus;

namespace Keel.Agent.Metrics;

/// <summary>
/// The agent's Prometheus metrics, served at GET /metrics. Made with prometheus-net rather than by hand or with
/// OpenTelemetry's exporter: the text format, its escaping, histogram buckets and the process metrics come from the
/// library the Prometheus community maintains for .NET, and its exporter for OpenTelemetry is still a beta here
/// (1.20.1-beta.1). One registry per agent, not the library's static default, so that agents in one test process
/// never share series; every series carries the cluster and member as labels.
/// </summary>
public sealed class AgentMetrics
{
    private readonly Gauge _serverUp;
    private readonly Gauge _leader;
    private readonly Gauge _primary;
    private readonly Gauge _leaseLeft;
    private readonly Gauge _behindSource;
    private readonly Gauge _readOnly;
    private readonly Gauge _diskFree;
    private readonly Gauge _galeraServes;
    private readonly Counter _decisions;
    private readonly Gauge _blocked;
    private string? _lastBlocker;
    private readonly Histogram _tick;
    private readonly Gauge _lag;
    private readonly Gauge _behindTransactions;
    private readonly Gauge _binlogSequence;
    private readonly Gauge _receivedSequence;
    private readonly Gauge _semiSyncActive;
    private readonly Gauge _semiSyncClients;
    private readonly Gauge _semiSyncWait;
    private readonly Counter _failovers;
    private readonly Counter _switchovers;
    private readonly Histogram _failoverSeconds;
    private readonly Histogram _switchoverSeconds;
    private readonly Histogram _etcdSeconds;
    private readonly Counter _etcdErrors;
    private readonly Gauge _cloneBytes;
    private readonly Gauge _cloneExpected;
    private readonly Gauge _backupBytes;
    private readonly Gauge _backupExpected;
    private readonly Gauge _backupFinishedAt;
    private readonly Gauge _backupSucceeded;
    private readonly Gauge _paused;

    /// <summary>Buckets for failovers and switchovers: from tens of milliseconds (a switchover) to a TTL and more.</summary>
    private static readonly double[] TakeoverBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60];

    public AgentMetrics(string cluster, string member)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Registry.SetStaticLabels(new Dictionary<string, string>(StringComparer.Ordinal) { ["cluster"] = cluster, ["member"] = member });
        DotNetStats.Register(Registry);
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        _serverUp = f.CreateGauge("keel_server_up", "1 while the local server runs and answers, else 0.");
        _leader = f.CreateGauge("keel_leader", "1 while this member holds the leader key (Galera: the writer key), else 0.");
        _primary = f.CreateGauge("keel_primary", "1 while /primary answers 200 here (the writable leaseholder; Galera: a serving writer), else 0.");
        _leaseLeft = f.CreateGauge("keel_lease_seconds_left", "Seconds until this agent's etcd lease can expire at the earliest (0 without a session).");
        _behindSource = f.CreateGauge("keel_replication_seconds_behind_source", "The server's Seconds_Behind_Master on a replica (it reads 0 while semi-sync blocks the primary; see keel status for GTID positions); 0 on the primary.");
        _readOnly = f.CreateGauge("keel_server_read_only", "1 while the local server is read-only, 0 while writable, -1 when unknown.");
        _diskFree = f.CreateGauge("keel_disk_free_ratio", "Free space on the filesystem of the datadir or the binlogs (0 to 1).", new GaugeConfiguration { LabelNames = ["filesystem"] });
        _galeraServes = f.CreateGauge("keel_galera_serves", "Galera mode: 1 while the node serves by clustercheck's rule (Primary Component, ready, Synced), else 0; -1 in replication mode.");
        _blocked = f.CreateGauge("keel_failover_blocked", "1 while nobody holds the leader key and this member does not take over, labelled with why (a code of keel status's blockers), else 0.", new GaugeConfiguration { LabelNames = ["reason"] });
        _decisions = f.CreateCounter("keel_decisions_total", "Decisions of the HA loop, by action (None included: one per tick).", new CounterConfiguration { LabelNames = ["action"] });
        _tick = f.CreateHistogram("keel_ha_loop_seconds", "How long one HA loop tick took (read the snapshot, decide, act).",
            new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

        _lag = f.CreateGauge("keel_replication_lag_seconds", "Keel's own measure on a replica: how long ago the primary first published a GTID position this replica has not applied (resolution one loop interval; unlike Seconds_Behind_Master it grows while semi-sync blocks or the IO thread is stuck); 0 on the primary, -1 when unknown.");
        _behindTransactions = f.CreateGauge("keel_replication_transactions_behind", "Transactions in the primary's published GTID position that this replica has not applied; 0 on the primary, -1 when unknown.");
        _binlogSequence = f.CreateGauge("keel_gtid_binlog_sequence", "The sequence number of the last GTID in the local server's binlog (applied), by replication domain.", new GaugeConfiguration { LabelNames = ["domain"] });
        _receivedSequence = f.CreateGauge("keel_gtid_received_sequence", "The sequence number of the last GTID the local server has received (binlog and relay log), by replication domain.", new GaugeConfiguration { LabelNames = ["domain"] });
        _semiSyncActive = f.CreateGauge("keel_semi_sync_active", "1 while semi-sync is on as this member's role uses it (source side on the primary, replica side elsewhere), 0 while off, -1 when unknown.");
        _semiSyncClients = f.CreateGauge("keel_semi_sync_clients", "Semi-sync replicas connected to the local server (Rpl_semi_sync_master_clients); -1 when unknown.");
        _semiSyncWait = f.CreateGauge("keel_semi_sync_avg_wait_seconds", "The server's average wait for a semi-sync acknowledgement per transaction (Rpl_semi_sync_master_tx_avg_wait_time).");
        _failovers = f.CreateCounter("keel_failovers_total", "Failovers completed with this member as the new primary.");
        _switchovers = f.CreateCounter("keel_switchovers_total", "Planned switchovers completed with this member as the new primary.");
        _failoverSeconds = f.CreateHistogram("keel_failover_duration_seconds", "Failovers to this member: from the moment this agent saw the leader key gone to its server taking writes (the time to notice a dead primary, up to one TTL, comes before it; keel bench ha measures the whole outage).",
            new HistogramConfiguration { Buckets = TakeoverBuckets });
        _switchoverSeconds = f.CreateHistogram("keel_switchover_duration_seconds", "Planned switchovers to this member: from the request to its server taking writes.",
            new HistogramConfiguration { Buckets = TakeoverBuckets });
        _etcdSeconds = f.CreateHistogram("keel_etcd_request_seconds", "etcd requests of this agent, by operation (watches excluded: they last).",
            new HistogramConfiguration { LabelNames = ["operation"], Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _etcdErrors = f.CreateCounter("keel_etcd_request_errors_total", "etcd requests of this agent that failed (unreachable, timed out, refused), by operation.", new CounterConfiguration { LabelNames = ["operation"] });
        _cloneBytes = f.CreateGauge("keel_clone_bytes_received", "Bytes received by the clone in progress into this member (0 when none runs).");
        _cloneExpected = f.CreateGauge("keel_clone_bytes_expected", "The donor's datadir size for the clone in progress into this member (0 when none runs).");
        _backupBytes = f.CreateGauge("keel_backup_bytes_done", "Bytes read by the backup this member is taking (0 when none runs).");
        _backupExpected = f.CreateGauge("keel_backup_bytes_expected", "The expected size of the backup this member is taking (0 when none runs).");
        _backupFinishedAt = f.CreateGauge("keel_backup_last_finished_timestamp_seconds", "When the cluster's last backup finished or was missed (Unix time), as the leader's agent reads it from the store; absent without backups.");
        _paused = f.CreateGauge("keel_cluster_paused", "1 while the cluster is paused (keel pause: no automatic failover), 0 otherwise, as this agent last read it.");
        _backupSucceeded = f.CreateGauge("keel_backup_last_succeeded", "1 when the cluster's last backup succeeded, 0 when it failed or was missed, as the leader's agent reads it.");
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Sets every gauge from one tick's result, and counts its decision.</summary>
    public void Record(TickResult t, string action, DateTimeOffset now)
    {
        var local = t.Snapshot.Local;
        var self = t.Snapshot.Self.Name;
        _serverUp.Set(local.Status == ServerStatus.Running ? 1 : 0);
        _leader.Set(t.Snapshot.Cluster?.Leader?.Name == self ? 1 : 0);
        _primary.Set(HealthRules.IsPrimary(t, now) ? 1 : 0);
        _leaseLeft.Set(t.Snapshot.Lease is { IsLost: false } lease ? Math.Max(0, (lease.ExpiresNoEarlierThan - now).TotalSeconds) : 0);
        _behindSource.Set(local.Replication?.SecondsBehindSource ?? 0);
        _readOnly.Set(local.ReadOnly switch { true => 1, false => 0, null => -1 });
        foreach (var fs in t.Published.Disk?.Filesystems ?? [])
        {
            _diskFree.WithLabels(fs.Role).Set(fs.TotalBytes > 0 ? (double)fs.FreeBytes / fs.TotalBytes : 0);
        }
        _paused.Set(t.Snapshot.Cluster?.Paused == true ? 1 : 0);
        _galeraServes.Set(t.GaleraServes switch { true => 1, false => 0, null => -1 });
        _decisions.WithLabels(action).Inc();
        var blocker = t.Published.Blocked?.Code;
        if (_lastBlocker is { } last && last != blocker)
        {
            _blocked.WithLabels(last).Set(0);
        }
        if (blocker is not null)
        {
            _blocked.WithLabels(blocker).Set(1);
        }
        _lastBlocker = blocker;
        _lag.Set(t.SourceLag?.TotalSeconds ?? -1);
        _behindTransactions.Set(t.TransactionsBehind is { } behind ? behind : -1);
        foreach (var (domain, gtid) in local.BinlogPosition.ByDomain)
        {
            _binlogSequence.WithLabels(domain.ToString(CultureInfo.InvariantCulture)).Set(gtid.Sequence);
        }
        foreach (var (domain, gtid) in local.ReceivedPosition.ByDomain)
        {
            _receivedSequence.WithLabels(domain.ToString(CultureInfo.InvariantCulture)).Set(gtid.Sequence);
        }
        _semiSyncActive.Set(local.SemiSyncActive switch { true => 1, false => 0, null => -1 });
        _semiSyncClients.Set(local.SemiSyncClients ?? -1);
        _semiSyncWait.Set((local.SemiSyncAvgWaitMicros ?? 0) / 1e6);
        switch (t.Takeover)
        {
            case { Kind: TakeoverKind.Failover } f:
                _failovers.Inc();
                _failoverSeconds.Observe(f.Took.TotalSeconds);
                break;
            case { Kind: TakeoverKind.Switchover } s:
                _switchovers.Inc();
                _switchoverSeconds.Observe(s.Took.TotalSeconds);
                break;
        }
    }

    /// <summary>One etcd request's duration, and whether it failed.</summary>
    public void ObserveEtcd(string operation, TimeSpan elapsed, bool failed)
    {
        _etcdSeconds.WithLabels(operation).Observe(elapsed.TotalSeconds);
        if (failed)
        {
            _etcdErrors.WithLabels(operation).Inc();
        }
    }

    /// <summary>A clone's progress into this member; (0, 0) when it ends.</summary>
    public void CloneProgress(long received, long expected)
    {
        _cloneBytes.Set(received);
        _cloneExpected.Set(expected);
    }

    /// <summary>A backup's progress on this member; (0, 0) when it ends.</summary>
    public void BackupProgress(long done, long expected)
    {
        _backupBytes.Set(done);
        _backupExpected.Set(expected);
    }

    /// <summary>The cluster's last backup outcome, as the store records it.</summary>
    public void LastBackup(DateTimeOffset at, bool succeeded)
    {
        _backupFinishedAt.Set(at.ToUnixTimeMilliseconds() / 1000.0);
        _backupSucceeded.Set(succeeded ? 1 : 0);
    }

    /// <summary>One tick's duration.</summary>
    public void ObserveTick(TimeSpan elapsed) => _tick.Observe(elapsed.TotalSeconds);

    /// <summary>Writes every series in the Prometheus text format.</summary>
    public Task ExportAsync(Stream output, CancellationToken ct) => Registry.CollectAndExportAsTextAsync(output, ct);
}
