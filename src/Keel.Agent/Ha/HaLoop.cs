using Keel.Agent.Configuration;
using Keel.Agent.Logging;
using Keel.Agent.Server;
using Keel.Agent.Store;
using Keel.Core.Decisions;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.MySql;
using Keel.MySql.Server;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Ha;

/// <summary>
/// The agent's loop: read a snapshot, call the pure <see cref="HaDecider.Decide"/>, apply the decision. A tick runs
/// every loop interval, and at once when the local server dies or the cluster's keys change, so that detection does
/// not cost a poll interval.
/// </summary>
public sealed class HaLoop : IAsyncDisposable
{
    private static readonly TimeSpan ProcessPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RepublishEvery = TimeSpan.FromSeconds(5);

    private readonly AgentConfig _config;
    private readonly IEtcdClient _etcd;
    private readonly ClusterStore _store;
    private readonly MariaDbServer _server;
    private readonly LocalServerProbe _probe;
    private readonly HaExecutor _executor;
    private readonly AgentStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<string, string> _memberFingerprints = new(StringComparer.Ordinal);

    private LeaseSession? _session;
    private MemberRole _lastRole = MemberRole.Unknown;
    private string? _lastReason;
    private string? _lastLeader;
    private MemberState? _lastPublished;
    private DateTimeOffset _lastPublishedAt;
    private string? _lastActionError;
    private MemberStateFactory.ReceivedReading? _lastReceived;
    private DateTimeOffset? _unknownSince;
    private readonly StoreMemoryFile _memoryFile;
    private StoreMemory _memory;
    private DateTimeOffset _memorySavedAt;
    private DateTimeOffset? _noReplicaSince;
    private readonly Fencing.FenceFile _fenceFile;
    private Keel.Core.Fencing.FencePromise? _lastPromise;
    private long _promisedLease;
    private int? _primaryServerPid;
    private readonly Lock _promiseGate = new();
    private bool _heldForReplicas;
    private Keel.Core.Gtid.SourceLag _sourceLag = Keel.Core.Gtid.SourceLag.None;
    // When this agent first knew the leader key gone (its watch saw the delete, or a tick found none), in UTC ticks; 0 while a leader is known.
    private long _leaderGoneAtTicks;
    private (TakeoverKind Kind, DateTimeOffset Since)? _takingOver;

    public HaLoop(AgentConfig config, IEtcdClient etcd, ClusterStore store, MariaDbServer server, LocalServerProbe probe,
        HaExecutor executor, AgentStatus status, TimeProvider time, ILogger log, Func<Keel.Core.Binlogs.BinlogSummary?>? binlogs = null)
    {
        _binlogs = binlogs ?? (() => null);
        _disk = new Disk.DiskWatcher(config.Member.DataDir, config.BinlogDir, config.Disk);
        _config = config;
        _etcd = etcd;
        _store = store;
        _server = server;
        _probe = probe;
        _executor = executor;
        _status = status;
        _time = time;
        _log = log;
        _memoryFile = new StoreMemoryFile(config.Member.RunDir);
        _fenceFile = new Fencing.FenceFile(config.Member.RunDir);
        _memory = _memoryFile.Load();
        _oldCopies = new Clone.OldCopyJanitor(server.DataDir);
    }

    private readonly Clone.OldCopyJanitor _oldCopies;
    private readonly Disk.DiskWatcher _disk;
    private readonly Func<Keel.Core.Binlogs.BinlogSummary?> _binlogs;

    private string Self => _config.Member.Name;

    private void Journal(DateTimeOffset at, int eventId, string text) => _status.Journal.Add(new JournalEntry(at, Self, eventId, text));

    public async Task RunAsync(CancellationToken ct)
    {
        var watchers = new[] { WatchProcessAsync(ct), WatchClusterAsync(ct), KeepPromiseAsync(ct) };
        while (!ct.IsCancellationRequested)
        {
            var acted = false;
            try
            {
                var started = _time.GetTimestamp();
                acted = await TickAsync(ct);
                _status.Metrics?.ObserveTick(_time.GetElapsedTime(started));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (_session is { IsLost: true })
            {
                // The lease ran out while the tick was busy (a slow probe, a slow etcd): what it was doing may no
                // longer be covered, so decide again at once, where a lost lease comes first.
                Journal(_time.GetUtcNow(), 302, "interrupted the tick because the session lease was lost; deciding again at once");
                acted = true;
            }
#pragma warning disable CA1031 // One bad tick must never kill the agent (Patroni's catch-all); it is logged as a bug.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _log.TickFailed(Self, ex);
            }
            if (!acted)
            {
                try
                {
                    await _wake.WaitAsync(_config.Timing.LoopInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await Task.WhenAll(watchers);
    }

    private void Wake()
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

    /// <summary>
    /// One tick; true when an action was taken (the next tick then runs at once). It is interrupted when the session
    /// lease is lost while it runs (<see cref="LeaseSession.Lost"/> cancels it).
    /// </summary>
    public async Task<bool> TickAsync(CancellationToken outer)
    {
        await EnsureSessionAsync(outer);
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(outer, _session?.Lost ?? CancellationToken.None);
        var ct = tick.Token;
        var local = await _probe.ProbeAsync(ct);
        if (local.Status == ServerStatus.Running)
        {
            _lastRole = local.ReadOnly == false ? MemberRole.Primary : MemberRole.Replica;
            _lastReceived = new MemberStateFactory.ReceivedReading(local.ReceivedPosition, _time.GetUtcNow());
        }

        ClusterView? cluster = null;
        try
        {
            cluster = await _store.ReadAsync(ct);
        }
        catch (EtcdException ex)
        {
            _log.EtcdUnreachable(Self, ex.Message);
        }

        if (cluster is not null)
        {
            Remember(cluster);
        }

        var now = _time.GetUtcNow();
        _unknownSince = local.Status == ServerStatus.Unknown ? _unknownSince ?? now : null;
        _noReplicaSince = local.IsWritable && local.SemiSyncClients == 0 ? _noReplicaSince ?? now : null;
        if (cluster is not null && cluster.Leader?.Name != Self)
        {
            _heldForReplicas = false;
        }
        var lease = _session is { } sess ? new LeaseView(sess.LeaseId, sess.ExpiresNoEarlierThan, sess.IsLost) : null;
        var takeover = NoteTakeover(local, cluster, now);
        var (lag, behind) = MeasureLag(local, cluster, now);
        var disk = _disk.Measure();
        var snapshot = new HaSnapshot(_config.Identity, local, cluster, lease, _config.Timing, _lastRole, _unknownSince, _memory, _noReplicaSince, _heldForReplicas,
            LocalDataMissing: local.Status == ServerStatus.Stopped && !_server.IsInitialized, AutoReinit: _config.AutoReinit,
            HasVerifiedBackup: local.Status == ServerStatus.Stopped && !_server.IsInitialized && _config.Backup is { } backup
                && new Backup.DirectoryBackupRepository(backup.Repository).List().Any(m => m.Verification?.Passed == true),
            LocalDisk: disk, DiskHandOver: _config.Disk.HandOver,
            ReplicationPasswordFingerprint: local.SourcePasswordFingerprint is null ? null : Keel.Core.Passwords.PasswordFingerprint.Of(_config.CurrentUsers().Replication.Password));
        var decision = HaDecider.Decide(snapshot, now);

        var published = MemberStateFactory.FromLocal(_config.Identity, local, cluster?.Members.Values ?? [], _lastRole, Environment.ProcessId, now, _lastReceived);
        // The server process that was the writable primary here; another leader ends that claim.
        if (local.IsWritable && cluster?.Leader?.Name == Self)
        {
            _primaryServerPid = local.Pid;
        }
        else if (cluster?.Leader is { } other && other.Name != Self)
        {
            _primaryServerPid = null;
        }
        published = published with
        {
            WaitingForReplicas = _heldForReplicas,
            PrimaryServerIntact = _primaryServerPid is { } was && local.Pid == was && local.Status == ServerStatus.Running,
            OldDataDirs = SameList(_lastPublished?.OldDataDirs, _oldCopies.List().Select(c => c.Path).ToList()),
            Disk = disk,
            Binlogs = _binlogs(),
            MeasuredLagSeconds = lag is { } l && cluster?.Leader is { } lead && lead.Name != Self ? Math.Round(l.TotalSeconds, 1) : null,
            // Why a failover does not fire, where operators and tools look (keel status, /cluster, the metrics).
            Blocked = cluster is { Leader: null } && decision.Blocker is { } code ? new BlockedBy(code, decision.Reason) : null,
        };
        if (_lastActionError is not null)
        {
            // Operators (and `keel up`) see why an action keeps failing, e.g. a server that cannot start.
            published = published with { LastError = _lastActionError };
        }
        await PublishAsync(published, cluster, now, ct);
        _status.Update(new TickResult(snapshot, decision, published, now) { SourceLag = lag, TransactionsBehind = behind, Takeover = takeover });

        Promise(cluster, lease, now);
        var acting = decision.Action is not HaAction.None;
        if (acting || decision.Reason != _lastReason)
        {
            _log.Decided(Self, decision.Action.GetType().Name, decision.Reason);
            Journal(now, 100, $"{decision.Action.GetType().Name}: {decision.Reason}");
            _lastReason = decision.Reason;
        }
        if (cluster?.Leader is { } leader)
        {
            _lastLeader = leader.Name;
        }
        if (!acting)
        {
            return false;
        }
        try
        {
            var outcome = await _executor.ExecuteAsync(decision, snapshot, _lastLeader, ct);
            _lastActionError = null;
            if (decision.Action is HaAction.AcquireLeadership)
            {
                // Whether the key was won shows in the next tick's read; a takeover that did not happen is dropped there.
                _takingOver = cluster?.Request is { Kind: RequestKind.Switchover, To: var to } request && to == Self
                    ? (TakeoverKind.Switchover, request.At)
                    : (TakeoverKind.Failover, Interlocked.Read(ref _leaderGoneAtTicks) is > 0 and var gone ? new DateTimeOffset(gone, TimeSpan.Zero) : now);
            }
            _heldForReplicas = decision.Action switch
            {
                HaAction.HoldWritesForReplicas => true,
                HaAction.Promote or HaAction.Demote or HaAction.ReleaseLeadership or HaAction.HandOver => false,
                _ => _heldForReplicas,
            };
            if (outcome is not null)
            {
                _log.ActionDone(Self, outcome);
                Journal(_time.GetUtcNow(), 201, outcome);
            }
        }
        catch (Exception ex) when (ex is MySqlException or EtcdException or MariaDbStartException or InvalidOperationException or IOException
            or Clone.CloneStreamException or Clone.CloneRefusedException or HttpRequestException or UnauthorizedAccessException)
        {
            _log.ActionFailed(Self, decision.Action.GetType().Name, ex.Message);
            Journal(_time.GetUtcNow(), 200, $"could not {decision.Action.GetType().Name}: {ex.Message}");
            _lastActionError = $"{decision.Action.GetType().Name} failed: {ex.Message}";
            // Do not spin on a failing action: wait for the next interval or event.
            return false;
        }
        return true;
    }

    /// <summary>
    /// A takeover this agent started (it took the leader key) is complete once its server takes writes under its
    /// leadership; another leader ends it. Returns the completed one, for the metrics.
    /// </summary>
    private Takeover? NoteTakeover(LocalServer local, ClusterView? cluster, DateTimeOffset now)
    {
        if (cluster is null)
        {
            return null;
        }
        if (cluster.Leader is null)
        {
            Interlocked.CompareExchange(ref _leaderGoneAtTicks, now.UtcTicks, 0);
            return null;
        }
        Interlocked.Exchange(ref _leaderGoneAtTicks, 0);
        if (_takingOver is not { } t)
        {
            return null;
        }
        if (cluster.Leader.Name != Self)
        {
            _takingOver = null;
            return null;
        }
        if (!local.IsWritable)
        {
            return null;
        }
        _takingOver = null;
        return new Takeover(t.Kind, now - t.Since);
    }

    /// <summary>Keel's own lag on a replica (<see cref="Keel.Core.Gtid.SourceLag"/>); zero on the writable leader; null when unknown.</summary>
    private (TimeSpan? Lag, ulong? Behind) MeasureLag(LocalServer local, ClusterView? cluster, DateTimeOffset now)
    {
        if (cluster?.Leader is not { } leader || local.Status != ServerStatus.Running)
        {
            return (null, null);
        }
        if (leader.Name == Self)
        {
            return local.IsWritable ? (TimeSpan.Zero, 0) : (null, null);
        }
        if (!cluster.Members.TryGetValue(leader.Name, out var primary) || !Keel.Core.Gtid.GtidPosition.TryParse(primary.BinlogPosition, out var position))
        {
            return (null, null);
        }
        var applied = local.BinlogPosition.Union(local.SlavePosition);
        _sourceLag = _sourceLag.Observe(leader.Name, position, now);
        (var lag, _sourceLag) = _sourceLag.Measure(applied, now);
        return (lag, position.TransactionsBeyond(applied));
    }

    /// <summary>
    /// Tells the watchdog until when the local server may be writable: while this agent leads with a valid lease, one
    /// demote margin before the lease can expire (when the agent would demote it itself); otherwise never. Written
    /// before the decision is carried out, so a promotion in this tick is already covered.
    /// </summary>
    private void Promise(ClusterView? cluster, LeaseView? lease, DateTimeOffset now)
    {
        var leader = cluster is null ? _lastLeader : cluster.Leader?.Name;
        var until = leader == Self && lease is { IsLost: false }
            ? lease.ExpiresNoEarlierThan - _config.Timing.DemoteMargin
            : DateTimeOffset.MinValue;
        lock (_promiseGate)
        {
            _promisedLease = until == DateTimeOffset.MinValue ? 0 : lease!.LeaseId;
            if (_lastPromise is { } last && last.WritableUntil == until && now - last.WrittenAt < RepublishEvery)
            {
                return;
            }
            WritePromise(new Keel.Core.Fencing.FencePromise(until, Environment.ProcessId, now));
        }
    }

    /// <summary>
    /// Extends a leader's promise as soon as its lease is renewed, not only at the next tick: a tick can spend
    /// seconds on an etcd member that does not answer (one request timeout per endpoint), and meanwhile the watchdog
    /// would fence a primary whose lease the background keepalive renewed all along. Only a promise the last tick
    /// made, for the same lease, is extended; a tick that stops leading withdraws it first (under the same lock).
    /// A frozen agent freezes this loop too, so the watchdog still fences it.
    /// </summary>
    private async Task KeepPromiseAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Keel.Core.Fencing.FenceRule.Poll, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                lock (_promiseGate)
                {
                    if (_session is not { IsLost: false } session || session.LeaseId != _promisedLease
                        || _lastPromise is not { } last || last.WritableUntil == DateTimeOffset.MinValue)
                    {
                        continue;
                    }
                    var until = session.ExpiresNoEarlierThan - _config.Timing.DemoteMargin;
                    if (until > last.WritableUntil)
                    {
                        WritePromise(new Keel.Core.Fencing.FencePromise(until, Environment.ProcessId, _time.GetUtcNow()));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void WritePromise(Keel.Core.Fencing.FencePromise promise)
    {
        try
        {
            _fenceFile.Write(promise);
            _lastPromise = promise;
        }
        catch (IOException ex)
        {
            _log.StoreMemoryNotSaved(Self, _fenceFile.FilePath, ex.Message);
        }
    }

    /// <summary>Updates the store memory with this read; says so when etcd went back in time.</summary>
    private void Remember(ClusterView cluster)
    {
        var next = _memory.Observe(cluster);
        if (next == _memory)
        {
            return;
        }
        if (next.StaleAtOrBelow != _memory.StaleAtOrBelow)
        {
            var text = $"etcd went back from revision {_memory.HighestRevision} to {cluster.Revision} (wiped, replaced or restored from an older snapshot); keys created up to revision {cluster.Revision} are treated as from the past";
            _log.StoreRewound(Self, text);
            Journal(_time.GetUtcNow(), 303, text);
        }
        var important = next.Initialized != _memory.Initialized || next.StaleAtOrBelow != _memory.StaleAtOrBelow;
        _memory = next;
        // The revision grows on every write to etcd; saving it at most every few seconds is enough to notice a store
        // that went back further than that.
        var now = _time.GetUtcNow();
        if (!important && now - _memorySavedAt < RepublishEvery)
        {
            return;
        }
        try
        {
            _memoryFile.Save(next);
            _memorySavedAt = now;
        }
        catch (IOException ex)
        {
            _log.StoreMemoryNotSaved(Self, _memoryFile.FilePath, ex.Message);
        }
    }

    private async Task EnsureSessionAsync(CancellationToken ct)
    {
        if (_session is { IsLost: false })
        {
            return;
        }
        if (_session is { } lost)
        {
            _log.SessionLost(Self, lost.LeaseId);
            _session = null;
            await lost.DisposeAsync();
        }
        try
        {
            _session = await LeaseSession.StartAsync(_etcd, _config.Timing.Ttl, _time, ct, _config.Timing.KeepAliveInterval);
            var session = _session;
            session.RenewalFailed = ex => _log.RenewalFailed(Self, session.LeaseId, (_time.GetUtcNow() - session.LastRenewedAt).TotalSeconds, ex.Message);
            _session.Lost.Register(Wake);
            _lastPublished = null;
            _log.SessionStarted(Self, _session.LeaseId, _config.Timing.Ttl.TotalSeconds);
        }
        catch (EtcdException ex)
        {
            _log.EtcdUnreachable(Self, ex.Message);
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
                await _store.RegisterAsync(state, ct);
            }
            await _store.PublishMemberAsync(state, session.LeaseId, ct);
            _lastPublished = state;
            _lastPublishedAt = now;
        }
        catch (EtcdException ex)
        {
            _log.EtcdUnreachable(Self, ex.Message);
        }
    }

    /// <summary>
    /// The previous list when nothing changed, so that the published record compares equal and is not rewritten to
    /// etcd on every tick (a record compares lists by reference); null for none.
    /// </summary>
    private static IReadOnlyList<string>? SameList(IReadOnlyList<string>? previous, List<string> current) =>
        current.Count == 0 ? null : previous is not null && previous.SequenceEqual(current, StringComparer.Ordinal) ? previous : current;

    /// <summary>
    /// A long action (a clone) blocks the tick; its progress is published meanwhile on the member's record, so that
    /// `keel status` shows it. The next tick's record clears it.
    /// </summary>
    public void ReportActivity(string text)
    {
        if (_session is not { IsLost: false } session || _lastPublished is not { } last)
        {
            return;
        }
        var state = last with { Activity = text, UpdatedAt = _time.GetUtcNow() };
        _ = Task.Run(async () =>
        {
            try
            {
                await _store.PublishMemberAsync(state, session.LeaseId, CancellationToken.None);
            }
            catch (EtcdException)
            {
                // Progress is a courtesy: the agent's log has it too.
            }
        });
    }

    /// <summary>Sees the local server die within 100 ms instead of at the next tick.</summary>
    private async Task WatchProcessAsync(CancellationToken ct)
    {
        int? last = null;
        using var timer = new PeriodicTimer(ProcessPollInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var pid = _server.RunningPid();
                if (last is { } was && pid is null)
                {
                    _log.ServerGone(Self, was);
                    Journal(_time.GetUtcNow(), 400, $"the local server process {was} is gone");
                    Wake();
                }
                last = pid;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Wakes the loop when the leader or initialize key changes or a member's role or health changes.</summary>
    private async Task WatchClusterAsync(CancellationToken ct)
    {
        long from = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in _etcd.WatchPrefixAsync(_store.Keys.Prefix, from, ct))
                {
                    from = ev.Kv.ModRevision + 1;
                    if (Matters(ev))
                    {
                        Wake();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (EtcdException)
            {
                // etcd is down or the stream broke: the loop's own interval still runs; retry the watch shortly.
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool Matters(WatchEvent ev)
    {
        if (ev.Type == WatchEventType.Delete && ev.Kv.Key == _store.Keys.Leader)
        {
            // The start of a failover as this agent sees it (keel_failover_duration_seconds).
            Interlocked.CompareExchange(ref _leaderGoneAtTicks, _time.GetUtcNow().UtcTicks, 0);
        }
        if (!ev.Kv.Key.StartsWith(_store.Keys.MembersPrefix, StringComparison.Ordinal))
        {
            return !ev.Kv.Key.StartsWith(_store.Keys.HistoryPrefix, StringComparison.Ordinal);
        }
        if (ev.Type == WatchEventType.Delete)
        {
            _memberFingerprints.Remove(ev.Kv.Key);
            return true;
        }
        var m = StoreJson.Read<MemberState>(ev.Kv.Value);
        var fingerprint = m is null ? "" : $"{m.Server}|{m.ReadOnly}|{m.Role}|{m.IoRunning}|{m.SqlRunning}|{m.Following}";
        var changed = !_memberFingerprints.TryGetValue(ev.Kv.Key, out var before) || before != fingerprint;
        _memberFingerprints[ev.Kv.Key] = fingerprint;
        return changed;
    }

    /// <summary>
    /// The session lease is deliberately not revoked on shutdown: its keys then live out their TTL, so an agent that
    /// is restarted within the TTL (an upgrade, a crash) reclaims its role with no failover, exactly as after kill -9.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _wake.Dispose();
        return ValueTask.CompletedTask;
    }
}
