using Keel.Agent.Api;
using Keel.Agent.Configuration;
using Keel.Agent.Ha;
using Keel.Agent.Logging;
using Keel.Agent.Proxy;
using Keel.Agent.Requests;
using Keel.Agent.Server;
using Keel.Agent.Store;
using Keel.Etcd;
using Keel.MySql.Server;
using Microsoft.Extensions.Logging;

namespace Keel.Agent;

/// <summary>Wires one agent together and runs it until cancelled: REST API plus HA loop.</summary>
public static class AgentHost
{
    public static async Task RunAsync(AgentConfig config, ILoggerFactory logging, CancellationToken ct)
    {
        var log = logging.CreateLogger("keel.agent");
        var time = TimeProvider.System;
        var m = config.Member;
        var server = ServerFor(config);
        await using var sql = new LocalConnection(server.RootOptions(config.Timing.RequestTimeout) with { ConnectTimeout = config.Timing.RequestTimeout });
        // Peers' APIs and etcd are verified with the cluster's CA when the tls section is there (Keel.Os.Tls.ClientTls).
        var peers = config.Tls?.Client();
        using var rawEtcd = new EtcdClient(new EtcdClientOptions { Endpoints = config.Etcd.Endpoints, RequestTimeout = config.Timing.RequestTimeout, Tls = peers });
        var metrics = new Metrics.AgentMetrics(config.Cluster, m.Name);
        using var etcd = new Metrics.MeasuredEtcdClient(rawEtcd, metrics, time);
        var store = new ClusterStore(etcd, new KeyLayout(config.Cluster));
        var probe = new LocalServerProbe(server, sql, config.Timing.RequestTimeout);
        var control = new ServerControl(server, sql, config.CurrentUsers, config.Timing.RequestTimeout, config.Tls);
        var proxy = config.Haproxy is { } h ? new HaproxyRuntime(h.AdminSocket, config.Timing.RequestTimeout) : null;
        // The clone stream has its own stall timeout (CloneJoiner.StallTimeout); the client's is off so a long copy can finish.
        using var cloneHttp = Keel.Os.Tls.ClientTls.For(peers, Timeout.InfiniteTimeSpan);
        var status = new AgentStatus { Metrics = metrics };
        HaLoop? running = null;
        var joiner = new Clone.CloneJoiner(cloneHttp, config.Api.Token, time, text =>
        {
            running?.ReportActivity(text);
            // In the log and in /decisions, where `keel reinit` and `keel member add` read the progress from.
            log.CloneProgress(m.Name, text);
            status.Journal.Add(new JournalEntry(time.GetUtcNow(), m.Name, 700, text));
        }, bytes: metrics.CloneProgress);
        var executor = new HaExecutor(config, store, control, proxy, time, log, joiner);
        if (config.Galera is { } galera)
        {
            await RunGaleraAsync(config, galera, server, sql, etcd, store, status, time, log, peers, ct);
            return;
        }
        var janitor = new Binlogs.BinlogJanitor(config, server, status, time, log);
        await using var loop = new HaLoop(config, etcd, store, server, probe, executor, status, time, log, () => janitor.Latest);
        running = loop;

        await CheckEtcdAsync(etcd, config, ct);
        // Checksum runs use sessions of their own with a longer statement timeout than the HA loop's.
        await using var checksums = new Checksum.ChecksumWorker(server.RootOptions(), m.Name,
            () => HealthRules.IsPrimary(status.Latest, time.GetUtcNow()), () => status.Latest?.Snapshot.Cluster?.Leader?.Name, log);
        using var doctorHttp = Keel.Os.Tls.ClientTls.For(peers, Timeout.InfiniteTimeSpan);
        var doctor = new Doctor.LocalDoctor(config, server, status, () => janitor.Latest, proxy, time);
        using var uiHttp = Keel.Os.Tls.ClientTls.For(peers, Timeout.InfiniteTimeSpan);
        await using var api = AgentApi.Build(config, status, new OperatorRequests(store, time), time, new Clone.CloneDonor(server), checksums,
            doctor, new Doctor.LinkProbe(doctorHttp, config.Api.Token), log, new Ui.UiSources(store, new BenchReportStore(etcd, config.Cluster), uiHttp));
        await api.StartAsync(ct);
        log.Started(m.Name, Environment.ProcessId, config.Api.Url, string.Join(",", config.Etcd.Endpoints));
        // Backups run beside the HA loop, never inside it: a backup takes minutes, a tick milliseconds.
        using var backupStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var backups = new Backup.BackupWorker(config, etcd, store, new Backup.BackupStore(etcd, new KeyLayout(config.Cluster)), server, time, log, metrics).RunAsync(backupStop.Token);
        await using var archiver = new Backup.Archive.BinlogArchiver(config, etcd, store, new Backup.Archive.ArchiveStore(etcd, new KeyLayout(config.Cluster)), time, log);
        var archiving = archiver.RunAsync(backupStop.Token);
        var retention = janitor.RunAsync(backupStop.Token);
        var certificates = config.Tls is { } tls ? new Tls.CertificateReloader(tls, sql, m.Name, time, log).RunAsync(backupStop.Token) : Task.CompletedTask;
        using var kubernetes = config.Kubernetes is { } k ? Keel.Kubernetes.PodLabeler.Client(k.Api, config.Timing.RequestTimeout) : null;
        var podLabels = config.Kubernetes is { } kc
            ? new Kubernetes.PodLabelWorker(new Keel.Kubernetes.PodLabeler(kubernetes!, kc.Namespace, kc.Pod), config.Cluster, m.Name, status, time, log).RunAsync(backupStop.Token)
            : Task.CompletedTask;
        try
        {
            await loop.RunAsync(ct);
        }
        finally
        {
            await backupStop.CancelAsync();
            await backups;
            await archiving;
            await retention;
            await certificates;
            await podLabels;
            log.Stopping(m.Name);
            await api.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Galera mode: the Galera loop and the same REST API (health from clustercheck's rule, the writer key as /primary).
    /// Backups, the binlog archive and retention stay with replication mode for now.
    /// </summary>
    private static async Task RunGaleraAsync(AgentConfig config, Galera.GaleraConfig galera, MariaDbServer server, LocalConnection sql, IEtcdClient etcd,
        ClusterStore store, AgentStatus status, TimeProvider time, ILogger log, Keel.Os.Tls.ClientTls? peers, CancellationToken ct)
    {
        var control = new ServerControl(server, sql, config.CurrentUsers, config.Timing.RequestTimeout, config.Tls);
        using var http = Keel.Os.Tls.ClientTls.For(peers, Timeout.InfiniteTimeSpan);
        var executor = new Galera.GaleraExecutor(config, store, server, control, http, time);
        await using var loop = new Galera.GaleraLoop(config, galera, etcd, store, new Galera.GaleraProbe(server, sql, config.Timing.RequestTimeout), executor, status, time, log);
        await CheckEtcdAsync(etcd, config, ct);
        await using var api = AgentApi.Build(config, status, new OperatorRequests(store, time), time, log: log,
            ui: new Ui.UiSources(store, new BenchReportStore(etcd, config.Cluster), http));
        await api.StartAsync(ct);
        log.Started(config.Member.Name, Environment.ProcessId, config.Api.Url, string.Join(",", config.Etcd.Endpoints));
        try
        {
            await loop.RunAsync(ct);
        }
        finally
        {
            log.Stopping(config.Member.Name);
            await api.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The local server as this member's configuration describes it (the agent's and the watchdog's view).</summary>
    public static MariaDbServer ServerFor(AgentConfig config) => new(new MariaDbServerOptions
    {
        DataDir = config.Member.DataDir,
        RunDir = config.Member.RunDir,
        Port = config.Member.Port,
        ServerId = config.Member.ServerId,
        BindAddress = config.Member.BindAddress,
        ExtraSettings = WithTls(config.Tls, WithAgentDefaults(config.Galera is { } g
            ? Galera.GaleraSettings.For(config, g).Concat(config.Member.MariadbSettings).GroupBy(kv => kv.Key).ToDictionary(x => x.Key, x => x.Last().Value)
            : config.Member.MariadbSettings)),
    });

    /// <summary>Runs the fencing watchdog of one member until cancelled.</summary>
    public static Task RunWatchdogAsync(AgentConfig config, ILoggerFactory logging, CancellationToken ct) =>
        config.Galera is not null
            // Galera fences by itself: a node outside the Primary Component refuses writes, and every node is
            // writable at the server level by design, so the read_only watchdog has nothing to do.
            ? Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default)
            : new Fencing.Watchdog(config, ServerFor(config), TimeProvider.System, logging.CreateLogger("keel.watchdog")).RunAsync(ct);

    /// <summary>The server's certificate and key and, with `tls.require`, no plain-text TCP clients (the unix socket stays open to the agent).</summary>
    private static Dictionary<string, string> WithTls(TlsConfig? tls, Dictionary<string, string> settings)
    {
        if (tls is not null)
        {
            settings.TryAdd("ssl_ca", tls.Ca);
            settings.TryAdd("ssl_cert", tls.Cert);
            settings.TryAdd("ssl_key", tls.Key);
            settings.TryAdd("require_secure_transport", tls.Require ? "ON" : "OFF");
        }
        return settings;
    }

    /// <summary>
    /// Semi-sync's source side starts off on every member: it has no timeout here (no silent fallback to async), so
    /// a replica with it on would block its SQL thread waiting for acknowledgements from replicas it does not have.
    /// The agent turns it on at promotion, before the server becomes writable.
    /// </summary>
    private static Dictionary<string, string> WithAgentDefaults(IReadOnlyDictionary<string, string> configured)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["rpl_semi_sync_master_enabled"] = "OFF",
            ["slave_parallel_threads"] = "4",
            ["slave_parallel_mode"] = "optimistic",
        };
        foreach (var (k, v) in configured)
        {
            settings[k] = v;
        }
        return settings;
    }

    /// <summary>
    /// An agent that cannot reach etcd at start exits with a clear message instead of running blind; its supervisor
    /// (systemd, or the playground's) starts it again. Once running, an etcd outage is handled by the loop.
    /// </summary>
    private static async Task CheckEtcdAsync(IEtcdClient etcd, AgentConfig config, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + config.Timing.Ttl;
        while (true)
        {
            try
            {
                await etcd.GetAsync(new KeyLayout(config.Cluster).Initialize, ct);
                return;
            }
            catch (EtcdException ex) when (DateTime.UtcNow < deadline)
            {
                _ = ex;
                await Task.Delay(500, ct);
            }
            catch (EtcdException ex)
            {
                throw new AgentStartException($"etcd is unreachable at {string.Join(", ", config.Etcd.Endpoints)}: {ex.Message}", ex);
            }
        }
    }
}

/// <summary>The agent cannot start; the message says why.</summary>
public sealed class AgentStartException(string message, Exception inner) : Exception(message, inner);
