using Keel.Agent.Configuration;
using Keel.Agent.Ha;
using Keel.Agent.Logging;
using Keel.Agent.Store;
using Keel.Core.Decisions;
using Keel.Core.Galera;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.MySql;
using Keel.MySql.Server;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Galera;

/// <summary>
/// Galera mode's loop, the same shape as <see cref="HaLoop"/>: probe the node, read the cluster, call the pure
/// <see cref="GaleraDecider.Decide"/>, publish, act. Health answers come from the same <see cref="AgentStatus"/>: the
/// writer key holder that serves is /primary, every other serving node /replica.
/// </summary>
public sealed class GaleraLoop(AgentConfig config, GaleraConfig galera, IEtcdClient etcd, ClusterStore store,
    GaleraProbe probe, GaleraExecutor executor, AgentStatus status, TimeProvider time, ILogger log) : IAsyncDisposable
{
    private static readonly TimeSpan RepublishEvery = TimeSpan.FromSeconds(5);
    private LeaseSession? _session;
    private string? _lastReason;
    private MemberState? _lastPublished;
    private DateTimeOffset _lastPublishedAt;
    private DateTimeOffset? _noPrimarySince;
    private DateTimeOffset? _notServingSince;
    private DateTimeOffset? _stoppedSince;
    private DateTimeOffset? _noneServingSince;
    private string? _lastActionError;

    private readonly SemaphoreSlim _wake = new(0, 1);

    private string Self => config.Member.Name;

    public async Task RunAsync(CancellationToken ct)
    {
        var watcher = WatchProcessAsync(ct);
        await LoopAsync(ct);
        await watcher;
    }

    /// <summary>
    /// Ticks at once when the local server dies, so that /health and the writer key follow within a tenth of a second
    /// rather than a loop interval (a joiner elsewhere asks /health before it joins).
    /// </summary>
    private async Task WatchProcessAsync(CancellationToken ct)
    {
        var was = probe.RunningPid();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = probe.RunningPid();
            if (was is not null && now is null)
            {
                try
                {
                    _wake.Release();
                }
                catch (SemaphoreFullException)
                {
                    // A wake-up is already pending.
                }
            }
            was = now;
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var acted = false;
            try
            {
                var started = time.GetTimestamp();
                acted = await TickAsync(ct);
                status.Metrics?.ObserveTick(time.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // One bad tick must never kill the agent; it is logged as a bug.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                log.TickFailed(Self, ex);
            }
            if (!acted)
            {
                try
                {
                    await _wake.WaitAsync(config.Timing.LoopInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    public async Task<bool> TickAsync(CancellationToken ct)
    {
        await EnsureSessionAsync(ct);
        var (serverStatus, pid, state, probeError) = await probe.ProbeAsync(ct);
        if (serverStatus == ServerStatus.Running)
        {
            executor.ForgetRecovered();
        }
        ClusterView? cluster = null;
        try
        {
            cluster = await store.ReadAsync(ct);
        }
        catch (EtcdException ex)
        {
            log.EtcdUnreachable(Self, ex.Message);
        }
        var now = time.GetUtcNow();
        var local = serverStatus == ServerStatus.Running ? state : executor.Recovered;
        var anyServing = cluster?.Members.Values.Any(m => m.Name != Self && m.GaleraServes(allowDonor: true)) ?? true;
        _noPrimarySince = serverStatus == ServerStatus.Stopped && !anyServing ? _noPrimarySince ?? now : null;
        _noneServingSince = !anyServing ? _noneServingSince ?? now : null;
        var lease = _session is { } sess ? new LeaseView(sess.LeaseId, sess.ExpiresNoEarlierThan, sess.IsLost) : null;
        var options = galera.Options with { JoinPatience = Min(2 * config.Timing.Ttl, galera.RecoveryWait / 3) };
        var servesNow = GaleraDecider.Serves(new GaleraSnapshot(config.Identity, serverStatus, local, cluster, null, options));
        _notServingSince = serverStatus != ServerStatus.Stopped && !servesNow ? _notServingSince ?? now : null;
        _stoppedSince = serverStatus == ServerStatus.Stopped ? _stoppedSince ?? now : null;
        // A joiner stuck with nobody to join is stopped well within the recovery wait, so its position is known before
        // anyone is chosen to bootstrap.
        var snapshot = new GaleraSnapshot(config.Identity, serverStatus, local, cluster, lease, options, _noPrimarySince, _notServingSince, _stoppedSince, _noneServingSince);
        var decision = GaleraDecider.Decide(snapshot, now);

        var published = new MemberState
        {
            Name = Self,
            Host = config.Member.Host,
            Port = config.Member.Port,
            ApiUrl = config.Api.Url,
            Tags = config.Member.Tags,
            Server = serverStatus,
            ReadOnly = serverStatus == ServerStatus.Running ? false : null,
            Role = cluster?.Leader?.Name == Self ? MemberRole.Primary : MemberRole.Replica,
            Galera = local,
            LastError = _lastActionError ?? probeError,
            AgentPid = Environment.ProcessId,
            ServerPid = pid,
            UpdatedAt = now,
        };
        await PublishAsync(published, cluster, now, ct);
        var serves = servesNow;
        // The replication-shaped snapshot the health rules read: the writer key holder is writable, the others are
        // readable replicas, and GaleraServes (clustercheck) gates both.
        var haSnapshot = new HaSnapshot(config.Identity,
            new LocalServer(serverStatus, pid, serverStatus == ServerStatus.Running ? false : null, Keel.Core.Gtid.GtidPosition.Empty, Keel.Core.Gtid.GtidPosition.Empty, null, null, probeError),
            cluster, lease, config.Timing);
        status.Update(new TickResult(haSnapshot, new Decision(new HaAction.None(), decision.Reason), published, now) { GaleraServes = serves, GaleraMultiWriter = galera.MultiWriter }, decision.Action.GetType().Name);

        var acting = decision.Action is not GaleraAction.None;
        if (acting || decision.Reason != _lastReason)
        {
            log.Decided(Self, decision.Action.GetType().Name, decision.Reason);
            status.Journal.Add(new JournalEntry(now, Self, 100, $"{decision.Action.GetType().Name}: {decision.Reason}"));
            _lastReason = decision.Reason;
        }
        if (!acting || _session is not { IsLost: false } session)
        {
            return false;
        }
        try
        {
            var outcome = await executor.ExecuteAsync(decision, snapshot, session.LeaseId, ct);
            _lastActionError = null;
            if (outcome is not null)
            {
                log.ActionDone(Self, outcome);
                status.Journal.Add(new JournalEntry(time.GetUtcNow(), Self, 201, outcome));
            }
        }
        catch (Exception ex) when (ex is MySqlException or EtcdException or MariaDbStartException or InvalidOperationException or IOException)
        {
            log.ActionFailed(Self, decision.Action.GetType().Name, ex.Message);
            status.Journal.Add(new JournalEntry(time.GetUtcNow(), Self, 200, $"could not {decision.Action.GetType().Name}: {ex.Message}"));
            _lastActionError = $"{decision.Action.GetType().Name} failed: {ex.Message}";
            return false;
        }
        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task EnsureSessionAsync(CancellationToken ct)
    {
        if (_session is { IsLost: false })
        {
            return;
        }
        if (_session is { } lost)
        {
            log.SessionLost(Self, lost.LeaseId);
            _session = null;
            await lost.DisposeAsync();
        }
        try
        {
            _session = await LeaseSession.StartAsync(etcd, config.Timing.Ttl, time, ct, config.Timing.KeepAliveInterval);
            _lastPublished = null;
            log.SessionStarted(Self, _session.LeaseId, config.Timing.Ttl.TotalSeconds);
        }
        catch (EtcdException ex)
        {
            log.EtcdUnreachable(Self, ex.Message);
        }
    }

    private async Task PublishAsync(MemberState state, ClusterView? cluster, DateTimeOffset now, CancellationToken ct)
    {
        if (_session is not { IsLost: false } session || cluster is null)
        {
            return;
        }
        var unchanged = _lastPublished is not null && _lastPublished with { UpdatedAt = default } == state with { UpdatedAt = default };
        if (unchanged && now - _lastPublishedAt < RepublishEvery && cluster.Members.ContainsKey(Self))
        {
            return;
        }
        try
        {
            if (cluster.Roster is not { } roster || !roster.Contains(Self))
            {
                await store.RegisterAsync(state, ct);
            }
            await store.PublishMemberAsync(state, session.LeaseId, ct);
            _lastPublished = state;
            _lastPublishedAt = now;
        }
        catch (EtcdException ex)
        {
            log.EtcdUnreachable(Self, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }
}
