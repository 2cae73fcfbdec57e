using Keel.Agent.Api;
using Keel.Agent.Ha;
using Keel.Core.Model;
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
    }

    /// <summary>One tick's duration.</summary>
    public void ObserveTick(TimeSpan elapsed) => _tick.Observe(elapsed.TotalSeconds);

    /// <summary>Writes every series in the Prometheus text format.</summary>
    public Task ExportAsync(Stream output, CancellationToken ct) => Registry.CollectAndExportAsTextAsync(output, ct);
}
