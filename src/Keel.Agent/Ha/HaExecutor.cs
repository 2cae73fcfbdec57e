using Keel.Agent.Configuration;
using Keel.Agent.Logging;
using Keel.Agent.Proxy;
using Keel.Agent.Server;
using Keel.Agent.Store;
using Keel.Core.Decisions;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.MySql;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Ha;

/// <summary>Applies one decision. No branching on cluster state here: that all lives in <see cref="HaDecider"/>.</summary>
public sealed class HaExecutor
{
    private readonly AgentConfig _config;
    private readonly ClusterStore _store;
    private readonly ServerControl _server;
    private readonly HaproxyRuntime? _proxy;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <summary>A primary that serves a copy (no replica could) is held to this rate, so that it keeps serving its clients.</summary>
    public const long ThrottledCloneBytesPerSecond = 50_000_000;

    private readonly Clone.CloneJoiner? _clone;

    private Clone.OldCopyJanitor OldCopies => new(_server.Server.DataDir);

    public HaExecutor(AgentConfig config, ClusterStore store, ServerControl server, HaproxyRuntime? proxy, TimeProvider time, ILogger log, Clone.CloneJoiner? clone = null)
    {
        _clone = clone;
        _config = config;
        _store = store;
        _server = server;
        _proxy = proxy;
        _time = time;
        _log = log;
    }

    private string Self => _config.Member.Name;

    /// <summary>Runs the action; returns a sentence about what happened (logged by the caller).</summary>
    public async Task<string?> ExecuteAsync(Decision decision, HaSnapshot s, string? formerLeader, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var lease = s.Lease?.LeaseId ?? 0;
        switch (decision.Action)
        {
            case HaAction.None:
                return null;
            case HaAction.StartServer:
                var (pid, recovered, receipt) = await _server.StartAsync(TimeSpan.FromSeconds(120), s.LastKnownRole == MemberRole.Primary, now, ct);
                if (receipt is not null)
                {
                    await _store.AppendHistoryAsync(new HistoryEntry(now, Self, formerLeader ?? "-", receipt, ""), ct);
                }
                return $"the local server is running (pid {pid})" + (recovered is null ? "" : $"; {recovered}") + (receipt is null ? "" : $"; {receipt}");
            case HaAction.CloneFrom c:
                return await CloneAsync(c, ct);
            case HaAction.RestoreBackup:
                return await RestoreBackupAsync(ct);
            case HaAction.SetDataAside aside:
                var moved = await _server.SetDataAsideAsync(now, ct);
                var purged = aside.PurgeOld ? OldCopies.Tidy(keep: null, purge: true, justMoved: moved) : null;
                if (aside.FromRequest)
                {
                    await _store.DeleteReinitAsync(Self, ct);
                }
                await _store.AppendHistoryAsync(new HistoryEntry(now, Self, formerLeader ?? "-", moved is null ? $"{Self} will be re-cloned: {decision.Reason}" : $"{Self} set its datadir aside to {moved} to be re-cloned: {decision.Reason}", ""), ct);
                return (moved is null
                    ? "the datadir was already gone; the next tick clones it"
                    : $"stopped the local server and moved its datadir to {moved} (kept unless an operator purges it); the next tick clones it")
                    + (purged is null ? "" : $"; {purged}");
            case HaAction.DropReinitRequest drop:
                await _store.DeleteReinitAsync(Self, ct);
                await _store.AppendHistoryAsync(new HistoryEntry(now, Self, formerLeader ?? "-", $"refused to re-clone {Self}: {drop.Why}", ""), ct);
                return $"dropped the reinit request: {drop.Why}";
            case HaAction.Bootstrap:
                return await _store.BootstrapAsync(Self, lease, now, ct)
                    ? "initialized the cluster and took the leader key"
                    : "another member initialized the cluster first";
            case HaAction.HoldWritesForReplicas:
                return (await _server.DemoteAsync(ct)).Sentence + "; it keeps the leader key and is writable again when a replica connects";
            case HaAction.Reinitialize:
                return await _store.ReinitializeAsync(Self, now, ct)
                    ? "re-created the initialize key"
                    : "another member re-created the initialize key first";
            case HaAction.DeleteStaleLeader d:
                return await _store.ReleaseLeaderAsync(d.CreateRevision, ct)
                    ? "deleted the stale leader key"
                    : "the stale leader key had already changed";
            case HaAction.AcquireLeadership:
                if (!await _store.AcquireLeaderAsync(Self, lease, now, ct))
                {
                    return "another member took the leader key first";
                }
                await _store.AppendHistoryAsync(new HistoryEntry(now, formerLeader, Self, decision.Reason, s.Local.ReceivedPosition.ToString()), ct);
                return "took the leader key";
            case HaAction.ReclaimLeadership r:
                return await _store.ReclaimLeaderAsync(Self, r.CreateRevision, lease, now, ct)
                    ? "the leader key now uses this agent's lease"
                    : "the leader key changed before it could be reclaimed";
            case HaAction.ReleaseLeadership r:
                var released = await _store.ReleaseLeaderAsync(r.CreateRevision, ct);
                await PushAsync(p => p.StopWritesToAsync(_config.Haproxy!.ReadWriteBackend, Self, ct));
                return released ? "deleted the leader key" : "the leader key had already changed";
            case HaAction.Promote:
                return await PromoteAsync(s, ct);
            case HaAction.Demote:
                await PushAsync(p => p.StopWritesToAsync(_config.Haproxy!.ReadWriteBackend, Self, ct));
                return (await _server.DemoteAsync(ct)).Sentence;
            case HaAction.Follow f:
                await _server.FollowAsync(f.Host, f.Port, ct);
                return $"replicating from {f.Leader} at {f.Host}:{f.Port}";
            case HaAction.StopReplication:
                await _server.StopReplicationAsync(ct);
                return "stopped the replication IO thread";
            case HaAction.HandOver h:
                return await HandOverAsync(h, s, ct);
            case HaAction.ApplyPasswordPhase p:
                {
                    var position = await _server.ApplyPasswordPhaseAsync(p.Rotation, ct);
                    var marked = await _store.MarkPasswordRotationAppliedAsync(p.Rotation, position, Self, ct);
                    return marked
                        ? $"changed the password of {p.Rotation.User} ({p.Rotation.Phase}); the primary's binlog is at {position}"
                        : $"changed the password of {p.Rotation.User} ({p.Rotation.Phase}), but the rotation moved on meanwhile; the next tick looks again";
                }
            case HaAction.CancelRequest c:
                await _store.DeleteRequestAsync(ct);
                await _store.AppendHistoryAsync(new HistoryEntry(now, s.Cluster?.Leader?.Name, s.Cluster?.Leader?.Name ?? "-", c.Why, s.Local.BinlogPosition.ToString()), ct);
                return $"cancelled the request: {c.Why}";
            case HaAction.RequestSwitchover r:
                {
                    // Planned again against the store as it is now, exactly as `keel switchover --to` would be.
                    var plan = await new Requests.OperatorRequests(_store, _time).SwitchoverAsync(r.Target, r.MaxLagSeconds, ct);
                    if (!plan.Accepted)
                    {
                        return $"the switchover to {r.Target} was not requested: {plan.Message}";
                    }
                    await _store.AppendHistoryAsync(new HistoryEntry(now, s.Cluster?.Leader?.Name, s.Self.Name, decision.Reason, s.Local.BinlogPosition.ToString()), ct);
                    return plan.Message;
                }
            default:
                throw new InvalidOperationException($"no executor step for {decision.Action}");
        }
    }

    private async Task<string> PromoteAsync(HaSnapshot s, CancellationToken ct)
    {
        var leader = s.Cluster!.Leader!;
        var position = await _server.DrainRelayLogAsync(_config.Timing.Ttl, ct);
        // Fencing: the leader key must still be ours, with our lease, right before writes are allowed.
        if (!await _store.StillLeaderAsync(leader.CreateRevision, s.Lease!.LeaseId, ct))
        {
            return "the leader key changed while the relay log was applied; not allowing writes";
        }
        await _server.AllowWritesAsync(ct);
        await PushAsync(p => p.RouteWritesToAsync(_config.Haproxy!.ReadWriteBackend, Self, s.Cluster.Members.Keys.Append(Self).Distinct(), ct));
        if (s.Cluster.Request is { } request && request.To == Self)
        {
            await _store.DeleteRequestAsync(ct);
        }
        return $"the local server is the writable primary at {position}";
    }

    /// <summary>
    /// The primary's half of a planned switchover. Writes stop first (HAProxy, then read_only), the target must have
    /// applied everything, and only then do the leader key and the request change together. Any failure before
    /// that point puts writes back and cancels the request, so a refused switchover changes nothing.
    /// </summary>
    private async Task<string> HandOverAsync(HaAction.HandOver h, HaSnapshot s, CancellationToken ct)
    {
        var request = s.Cluster!.Request!;
        var backend = _config.Haproxy?.ReadWriteBackend;
        await PushAsync(p => p.StopWritesToAsync(backend!, Self, ct));
        string? failure = null;
        var position = "";
        try
        {
            var demoted = await _server.DemoteAsync(ct);
            if (demoted.Killed)
            {
                return demoted.Sentence;
            }
            position = await _server.BinlogPositionAsync(ct);
            if (!await _server.PeerAppliedAsync(h.Host, h.Port, position, HandOverWait, ct))
            {
                failure = $"{h.Target} did not apply every transaction (up to {position}) within {HandOverWait.TotalSeconds:0} s";
            }
            else if (!await _store.HandOverAsync(h.CreateRevision, request with { Phase = RequestPhase.HandedOver, Position = position, At = _time.GetUtcNow() }, ct))
            {
                failure = "the leader key changed during the handover";
            }
        }
        catch (Exception ex) when (ex is MySqlException or EtcdException)
        {
            failure = $"the handover failed: {ex.Message}";
        }
        if (failure is null)
        {
            await _store.AppendHistoryAsync(new HistoryEntry(_time.GetUtcNow(), Self, h.Target, "planned switchover: handed over", position), ct);
            return $"handed over to {h.Target} at {position}";
        }
        await _store.DeleteRequestAsync(ct);
        // Undo only while still the leaseholder with the same key; otherwise stay read-only and let the loop decide.
        if (!await _store.StillLeaderAsync(h.CreateRevision, s.Lease!.LeaseId, ct))
        {
            return $"abandoned the switchover to {h.Target} and stayed read-only because the leader key changed: {failure}";
        }
        await _server.AllowWritesAsync(ct);
        await PushAsync(p => p.RouteWritesToAsync(backend!, Self, s.Cluster.Members.Keys.Append(Self).Distinct(), ct));
        await _store.AppendHistoryAsync(new HistoryEntry(_time.GetUtcNow(), Self, Self, $"switchover to {h.Target} abandoned: {failure}", position), ct);
        return $"abandoned the switchover to {h.Target} and resumed writes: {failure}";
    }

    /// <summary>How long a switchover waits for its target to apply the last transactions before giving up.</summary>
    private static readonly TimeSpan HandOverWait = TimeSpan.FromSeconds(5);

    private async Task PushAsync(Func<HaproxyRuntime, Task> push)
    {
        if (_proxy is null)
        {
            return;
        }
        try
        {
            await push(_proxy);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // HAProxy's own health checks still move the route; the push only makes it faster.
            _log.ProxyFailed(Self, ex.Message);
        }
    }

    /// <summary>Copies the donor into the empty datadir, starts the server read-only at the copy's GTID position.</summary>
    /// <summary>The newest verified backup into the empty datadir (an existing one moved aside first, never deleted).</summary>
    private async Task<string> RestoreBackupAsync(CancellationToken ct)
    {
        var config = _config.Backup ?? throw new InvalidOperationException("this agent has no backup.repository to restore from");
        var repository = new Backup.DirectoryBackupRepository(config.Repository);
        var backup = repository.List().LastOrDefault(m => m.Verification?.Passed == true)
            ?? throw new InvalidOperationException($"there is no verified backup in {config.Repository}");
        var dir = Path.TrimEndingDirectorySeparator(_server.Server.DataDir);
        string? aside = null;
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            aside = Keel.Core.Clone.OldCopies.AsidePath(dir, ".before-restore-", _time.GetUtcNow());
            Directory.Move(dir, aside);
        }
        var plan = new Keel.Core.Backup.Archive.RestorePlan(backup, [], Keel.Core.Gtid.GtidPosition.Parse(backup.GtidPosition), null);
        var restorer = new Backup.BackupRestorer(repository, new Backup.Archive.BinlogArchive(config.Repository), _time, text => _log.CloneProgress(Self, text));
        var position = await restorer.RestoreAsync(plan, dir, ct);
        var (pid, _, _) = await _server.StartAsync(TimeSpan.FromSeconds(120), wasPrimary: false, _time.GetUtcNow(), ct);
        return $"restored backup {backup.Id} (verified {backup.Verification!.At:yyyy-MM-dd HH:mm} UTC); the server runs read-only (pid {pid}) at {position} and catches up from the primary by replication"
            + (aside is null ? "" : $"; the old datadir was kept at {aside}");
    }

    private async Task<string> CloneAsync(HaAction.CloneFrom c, CancellationToken ct)
    {
        if (_clone is null)
        {
            throw new InvalidOperationException("this agent cannot clone (no clone client was configured)");
        }
        var limits = new[] { _config.CloneMaxBytesPerSecond, c.Throttled ? ThrottledCloneBytesPerSecond : null }.OfType<long>().ToList();
        var result = await _clone.CloneAsync(c.Donor, c.DonorApiUrl, _server.Server.DataDir, limits.Count > 0 ? limits.Min() : null, ct);
        await _server.Server.RollBackPreparedTransactionsAsync(TimeSpan.FromSeconds(120), ct);
        var (pid, _, _) = await _server.StartAsync(TimeSpan.FromSeconds(120), wasPrimary: false, _time.GetUtcNow(), ct);
        var position = await _server.SetSlavePositionAsync(result.GtidPosition, ct);
        var tidied = _config.KeepOldCopies is { } keep ? OldCopies.Tidy(keep, purge: false, justMoved: null) : null;
        return $"cloned {result.Bytes / 1e6:0.0} MB from {c.Donor} in {result.Took.TotalSeconds:0.0} s ({result.Bytes / 1e6 / Math.Max(result.Took.TotalSeconds, 0.001):0.0} MB/s); the server runs read-only (pid {pid}) at {position}"
            + (result.OldDataDirMovedTo is { } aside ? $"; the old datadir was kept at {aside}" : "") + (tidied is null ? "" : $"; {tidied}");
    }
}
