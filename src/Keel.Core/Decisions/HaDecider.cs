using Keel.Core.Gtid;
using Keel.Core.Model;
using Keel.Core.Requests;

namespace Keel.Core.Decisions;

/// <summary>
/// The whole HA policy as one pure function of a snapshot and the time. It never does I/O, never sleeps and never
/// throws for a valid snapshot; every branch returns one action and one sentence that says why.
/// Order matters: safety first (a server that may write without a valid lease), then the local server's life,
/// then the leader key.
/// </summary>
public static class HaDecider
{
    public static Decision Decide(HaSnapshot s, DateTimeOffset now)
    {
        if (s.Cluster is null)
        {
            return DecideReadable(s, now);
        }
        var (readable, setAside) = PeerRecords.Readable(s.Cluster);
        var decision = DecideReadable(s with { Cluster = readable }, now);
        return setAside.Count == 0 ? decision : decision with { Reason = decision.Reason + PeerRecords.Note(setAside) };
    }

    private static Decision DecideReadable(HaSnapshot s, DateTimeOffset now)
    {
        var decision = DecideUnpaused(s, now);
        // An operator's explicit request is carried out in maintenance mode too (as Patroni does): pausing stops
        // automatic action, not the actions someone asked for.
        if (s.Cluster is not { Paused: true })
        {
            return decision;
        }
        // A live request lets through only the steps that carry it out (hand over, release or take the key, promote,
        // demote, follow, stop replicating). Starting a stopped server and bootstrapping stay the operator's while
        // paused, and only the primary the request moves away from may release the key: a request to one member must
        // not re-enable every automatic action on the others.
        if (s.Cluster.Request is { } r && r.IsLive(now) && decision.Action switch
            {
                HaAction.StartServer or HaAction.Bootstrap or HaAction.CloneFrom => false,
                HaAction.ReleaseLeadership => r.From == s.Self.Name,
                _ => true,
            })
        {
            return decision;
        }
        // Maintenance mode: nothing automatic, except the one safety step of stopping writes that are no longer covered.
        return decision.Action switch
        {
            HaAction.Demote => decision,
            HaAction.None => decision with { Reason = "PAUSE: " + decision.Reason, Blocker = s.Cluster.Leader is null ? Blockers.Paused : null },
            _ => Decision.Blocked(Blockers.Paused, $"PAUSE: no automatic action while the cluster is paused (otherwise: {decision.Reason})"),
        };
    }

    private static Decision DecideUnpaused(HaSnapshot s, DateTimeOffset now)
    {
        var local = s.Local;
        var cluster = s.Cluster;
        var self = s.Self.Name;

        if (cluster is not null && cluster.ReinitRequestedFor(self))
        {
            return cluster.Leader?.Name == self
                ? new Decision(new HaAction.DropReinitRequest($"{self} is the primary; switch over first"),
                    "dropped the request to re-clone this member because it is the primary; switch over first")
                : cluster.PurgeOldRequestedFor(self)
                    ? new Decision(new HaAction.SetDataAside(FromRequest: true, PurgeOld: true),
                        "stopped the local server, moved its datadir aside and removed older datadirs moved aside before because an operator asked to re-clone this member and purge old copies")
                    : new Decision(new HaAction.SetDataAside(FromRequest: true),
                        "stopped the local server and moved its datadir aside because an operator asked to re-clone this member");
        }

        if (local.Status == ServerStatus.Stopped && s.LocalDataMissing && !(cluster?.Leader is { } own && own.Name == self))
        {
            return DecideEmptyDataDir(s);
        }

        if (local.Status == ServerStatus.Stopped)
        {
            return cluster?.Leader is { } held && held.Name == self
                ? new Decision(new HaAction.ReleaseLeadership(held.CreateRevision),
                    "released the leader key because the local server is not running, so that a replica can take over")
                : new Decision(new HaAction.StartServer(),
                    "started the local server read-only because it was not running");
        }

        if (local.Status == ServerStatus.Unknown)
        {
            // A hung primary would keep renewing its lease and hold the cluster without writes forever. After a TTL of
            // silence it lets go: the replicas stop replicating from it when the key goes, so it can have no commit
            // acknowledged any more, and when it answers again it is writable without the key and demotes itself.
            if (cluster?.Leader is { } mine && mine.Name == self && s.Lease is { IsLost: false }
                && s.LocalUnknownSince is { } since && now - since >= s.Timing.HungServerTimeout)
            {
                return new Decision(new HaAction.ReleaseLeadership(mine.CreateRevision),
                    $"released the leader key because the local server has not answered for {(now - since).TotalSeconds:0.#} s ({local.ProbeError}), so that a replica can take over; it can get no more acknowledgements and demotes itself when it answers again");
            }
            // The process exists but does not answer: it may still accept writes, so nothing may move yet.
            return Decision.Blocked(Blockers.LocalServerUnknown, $"could not probe the local server ({local.ProbeError}); taking no action until it answers");
        }

        if (cluster is null)
        {
            return DecideWithoutEtcd(s, now);
        }

        if (s.Lease is null || s.Lease.IsLost)
        {
            return local.IsWritable
                ? new Decision(new HaAction.Demote(), "made the server read-only because this agent has no valid session lease in etcd")
                : Decision.Blocked(Blockers.NoSession, "waiting for a new session lease in etcd");
        }

        if (!cluster.IsInitialized)
        {
            if (local.IsWritable)
            {
                return new Decision(new HaAction.Demote(),
                    "made the server read-only because etcd holds no cluster and so no leader key (the store was wiped or replaced)");
            }
            if (s.Memory is { Initialized: true })
            {
                return new Decision(new HaAction.Reinitialize(),
                    "re-created the initialize key because this member remembers the cluster but etcd came back without it; the usual election then picks the member with every acknowledged transaction");
            }
            return local.BinlogPosition.IsEmpty
                ? new Decision(new HaAction.Bootstrap(), "tried to initialize a new cluster because none exists yet")
                : Decision.Blocked(Blockers.NotInitialized, $"the cluster is not initialized but the local server already has transactions ({local.BinlogPosition}); refusing to bootstrap from it");
        }

        if (cluster.Leader is { } past && s.Memory is { } memory && memory.IsStale(past))
        {
            // A leader key restored from an older snapshot names a leader from the past, which may lack what the
            // primary since then acknowledged: nobody follows or reclaims it, and it goes.
            return local.IsWritable
                ? new Decision(new HaAction.Demote(), $"made the server read-only because the leader key naming {past.Name} comes from an older copy of etcd")
                : new Decision(new HaAction.DeleteStaleLeader(past.CreateRevision),
                    $"deleted the leader key naming {past.Name} because it was created at revision {past.CreateRevision}, before etcd went back to revision {memory.StaleAtOrBelow} (restored from an older snapshot); the usual election follows");
        }

        return cluster.Leader switch
        {
            { } leader when leader.Name == self => DecideAsLeader(s, leader, now),
            { } leader => DecideAsFollower(s, leader),
            null => DecideWithoutLeader(s, now),
        };
    }

    private static Decision DecideWithoutEtcd(HaSnapshot s, DateTimeOffset now)
    {
        if (!s.Local.IsWritable)
        {
            return Decision.Blocked(Blockers.StoreUnreachable, "etcd is unreachable; a replica takes no action while the cluster state is unknown");
        }
        if (s.Lease is null || LeaseAtRisk(s, now))
        {
            return new Decision(new HaAction.Demote(),
                "made the server read-only because etcd is unreachable and the leader lease may expire before it can be renewed");
        }
        var left = s.Lease.ExpiresNoEarlierThan - now;
        return Decision.Nothing($"etcd is unreachable; keeping the primary writable while its lease is valid for at least {left.TotalSeconds:0.0} s more");
    }

    private static Decision DecideAsLeader(HaSnapshot s, LeaderRecord leader, DateTimeOffset now)
    {
        if (leader.LeaseId != s.Lease!.LeaseId)
        {
            return new Decision(new HaAction.ReclaimLeadership(leader.CreateRevision),
                "moved the leader key to this agent's new session lease because it still names this member");
        }
        if (LeaseAtRisk(s, now))
        {
            return s.Local.IsWritable
                ? new Decision(new HaAction.Demote(), "made the server read-only because the leader lease could not be renewed in time")
                : Decision.Nothing("holds the leader key but its lease could not be renewed in time; staying read-only");
        }
        if (!s.Local.IsWritable)
        {
            if (s.HeldForReplicas)
            {
                return s.Local.SemiSyncClients is > 0
                    ? new Decision(new HaAction.Promote(), "made the server writable again because a replica is connected to acknowledge commits")
                    : Decision.Nothing("holds the leader key but keeps the server read-only because no replica is connected to acknowledge commits");
            }
            return new Decision(new HaAction.Promote(),
                "promoted the local server to primary because this member holds the leader key");
        }
        if (s.Local.SemiSyncClients == 0 && s.NoReplicaSince is { } alone && now - alone >= s.Timing.NoReplicaTimeout
            && s.Cluster!.Request is null)
        {
            return new Decision(new HaAction.HoldWritesForReplicas(),
                $"made the server read-only because no replica has been connected to acknowledge commits for {(now - alone).TotalSeconds:0.#} s, so that clients get an error at once instead of commits that hang; it is writable again when a replica connects");
        }
        if (s.Cluster!.Request is { } request)
        {
            return DecideRequestAsLeader(s, leader, request, now);
        }
        if (s.Cluster.PasswordRotation is { IsApplied: false } rotation)
        {
            return rotation.HashesAreValid
                ? new Decision(new HaAction.ApplyPasswordPhase(rotation), rotation.Phase == Passwords.RotationPhase.Both
                    ? $"let {rotation.User} ({rotation.Account}) log in with its old or its new password, on the primary so that every member gets it by replication, because keel rotate-password asked for it"
                    : $"let {rotation.User} ({rotation.Account}) log in with its new password only, on the primary so that every member gets it by replication, because keel rotate-password asked for it")
                : Decision.Nothing($"the password rotation of {rotation.Account} holds something other than two mysql_native_password hashes; not applying it");
        }
        if (s.LocalDisk is { Level: Disk.DiskLevel.Critical } full)
        {
            return DecideDiskFull(s, full, now);
        }
        var writers = OtherWriters(s);
        return writers.Count > 0
            ? Decision.Nothing($"is the primary with the leader key; {string.Join(", ", writers)} also reports a writable server and must demote itself")
            : Decision.Nothing("is the healthy primary and holds the leader key");
    }

    private static Decision DecideAsFollower(HaSnapshot s, LeaderRecord leader)
    {
        var local = s.Local;
        if (local.IsWritable)
        {
            return new Decision(new HaAction.Demote(), $"made the server read-only because {leader.Name} holds the leader key");
        }
        if (!s.Cluster!.Members.TryGetValue(leader.Name, out var leaderState))
        {
            return Decision.Nothing($"{leader.Name} holds the leader key but has not published its address yet; waiting");
        }
        if (leaderState.Server != ServerStatus.Running || (leaderState.ReadOnly != false && !leaderState.WaitingForReplicas))
        {
            // Its binlog only grows to the full position once it has applied its relay log: connecting earlier
            // could ask it for transactions it has received but not yet written to its own binlog.
            return Decision.Nothing($"{leader.Name} holds the leader key but is not writable yet; waiting for it to finish its promotion");
        }
        var replication = local.Replication;
        var followsLeader = replication is not null
            && replication.SourceHost == leaderState.Host
            && replication.SourcePort == leaderState.Port;
        // 1236 (the primary cannot find this server's position in its binlog) and 1950 (strict mode: this server already
        // holds a GTID the source's stream conflicts with) are divergence on their own, whatever the positions say:
        // positions keep only the last GTID per domain, so a crashed primary's unacknowledged tail with a lower sequence
        // number than the new primary's looks contained, and the replica would retry the same refused request forever.
        if (followsLeader && replication!.HasDiverged)
        {
            if (s.AutoReinit)
            {
                // With lossless semi-sync no client was ever told these transactions committed: only a primary's
                // unacknowledged tail (or a write to a replica by hand) ends up errant. They stay in the datadir moved aside.
                return new Decision(new HaAction.SetDataAside(FromRequest: false),
                    $"stopped the local server and moved its datadir aside to re-clone it because it has transactions the primary {leader.Name} does not have (errant: {local.BinlogPosition} against {leaderState.BinlogPosition}); no client was told they committed");
            }
            return Decision.Nothing($"cannot replicate from {leader.Name} because this server has transactions the primary does not have (errant: {local.BinlogPosition} against {leaderState.BinlogPosition}); it needs a re-clone");
        }
        // The replication password in the configuration changed (`keel rotate-password repl`, or an operator): reconnect
        // with it now, while the primary still takes the old one too, not at the next network blip after it is dropped.
        var stalePassword = local.SourcePasswordFingerprint is { } inUse && s.ReplicationPasswordFingerprint is { } configured && inUse != configured;
        if (followsLeader && replication!.IoRunning && replication.SqlRunning && stalePassword)
        {
            return new Decision(new HaAction.Follow(leader.Name, leaderState.Host, leaderState.Port),
                $"reconnected replication to {leader.Name} with the replication password of its configuration, because the configuration holds a new one");
        }
        if (followsLeader && replication!.IoRunning && replication.SqlRunning)
        {
            return Decision.Nothing($"is a replica of {leader.Name}");
        }
        return new Decision(new HaAction.Follow(leader.Name, leaderState.Host, leaderState.Port),
            followsLeader
                ? $"restarted replication from {leader.Name} because it had stopped"
                : $"started replicating from {leader.Name} because it holds the leader key");
    }

    /// <summary>Only the primary decides about a request while it leads: carry it out, or cancel it with a reason.</summary>
    private static Decision DecideRequestAsLeader(HaSnapshot s, LeaderRecord leader, ClusterRequest request, DateTimeOffset now)
    {
        if (!request.IsLive(now))
        {
            return new Decision(new HaAction.CancelRequest($"the {Describe(request)} expired before it could be carried out"),
                $"cancelled the {Describe(request)} because it expired");
        }
        if (request.Kind == RequestKind.Failover)
        {
            return new Decision(new HaAction.CancelRequest($"{s.Self.Name} is a healthy primary, so a forced failover is not needed"),
                $"cancelled the {Describe(request)} because this member is a healthy primary");
        }
        if (request.Phase != RequestPhase.Requested || request.From != s.Self.Name)
        {
            return Decision.Nothing($"is the primary; the {Describe(request)} is not for this primary and will expire");
        }
        var target = s.Cluster!.Members.GetValueOrDefault(request.To);
        var why = target is null ? $"{request.To} has not published its state (agent down or cut off)"
            : target.Tags.NoFailover ? $"{request.To} is tagged nofailover"
            : target.Server != ServerStatus.Running ? $"the server of {request.To} is not running"
            : target.DiskCritical ? $"the disk of {request.To} is critically full ({target.Disk!.Describe()})"
            : !(target.IoRunning && target.SqlRunning && target.Following == s.Self.Name) ? $"{request.To} is not streaming from this primary"
            : null;
        return why is not null
            ? new Decision(new HaAction.CancelRequest($"the {Describe(request)} cannot proceed: {why}"), $"cancelled the {Describe(request)} because {why}")
            : new Decision(new HaAction.HandOver(target!.Name, target.Host, target.Port, leader.CreateRevision),
                $"stopped writes and handed over to {target.Name} for a planned switchover");
    }

    /// <summary>
    /// A primary at the critical disk level moves the primary role, before the server stops with "disk full", to the
    /// member a planned switchover would pick (lossless: writes stop and the target catches up). With nobody to take
    /// over it does nothing destructive and says so.
    /// </summary>
    private static Decision DecideDiskFull(HaSnapshot s, Disk.MemberDisk full, DateTimeOffset now)
    {
        if (!s.DiskHandOver)
        {
            return Decision.Nothing($"is the primary and its disk is critically full ({full.Describe()}); disk.handover is off, so it stays primary: free space now");
        }
        var plan = RequestPlanner.PlanSwitchover(s.Cluster!, null, DiskHandOverMaxLagSeconds, now);
        return plan.Accepted
            ? new Decision(new HaAction.RequestSwitchover(plan.Request!.To, DiskHandOverMaxLagSeconds),
                $"asked for a planned switchover to {plan.Request.To} because this primary's disk is critically full ({full.Describe()}), before the server stops with disk full")
            : Decision.Nothing($"DISK FULL SOON: this primary's disk is critically full ({full.Describe()}) and no member can take over ({plan.Message}); doing nothing destructive: free space or add a member");
    }

    /// <summary>A target lagging this much still catches up during the hand-over (writes stop first); more is refused.</summary>
    public const long DiskHandOverMaxLagSeconds = 300;

    private static string Describe(ClusterRequest r) =>
        r.Kind == RequestKind.Switchover ? $"switchover to {r.To}" : $"forced failover to {r.To}";

    /// <summary>
    /// A stopped member with no data: the clone source rule says where its data comes from. Starting empty is only for
    /// a cluster that never held data; an empty server joining a cluster with data would fork it.
    /// </summary>
    private static Decision DecideEmptyDataDir(HaSnapshot s)
    {
        var choice = Clone.CloneSource.Choose(s.Self.Name, s.Cluster, new Dictionary<string, int>(), s.HasVerifiedBackup);
        return choice.Kind switch
        {
            Clone.CloneSourceKind.Member => new Decision(new HaAction.CloneFrom(choice.Donor!.Name, choice.Donor.ApiUrl, choice.Throttled),
                $"the local datadir holds no data; {choice.Reason}"),
            Clone.CloneSourceKind.Empty => new Decision(new HaAction.StartServer(), $"started the local server read-only: {choice.Reason}"),
            Clone.CloneSourceKind.Backup => new Decision(new HaAction.RestoreBackup(), $"the local datadir holds no data; {choice.Reason}"),
            _ => Decision.Nothing($"the local datadir holds no data; {choice.Reason}"),
        };
    }

    private static Decision DecideWithoutLeader(HaSnapshot s, DateTimeOffset now)
    {
        var local = s.Local;
        if (local.IsWritable)
        {
            return new Decision(new HaAction.Demote(), "made the server read-only because nobody holds the leader key");
        }
        if (s.Cluster!.Request is { Kind: RequestKind.Switchover, Phase: RequestPhase.HandedOver } handed && handed.IsLive(now))
        {
            return DecideHandedOver(s, handed);
        }
        if (local.IsReplicating)
        {
            return new Decision(new HaAction.StopReplication(),
                "stopped replicating because the leader key is gone, so the former primary gets no more acknowledgements from here");
        }
        if (s.Self.Tags.NoFailover)
        {
            return Decision.Blocked(Blockers.NoFailoverTag, "nobody holds the leader key and this member is tagged nofailover; waiting for another member to take over");
        }

        if (s.LocalDisk is { Level: Disk.DiskLevel.Critical } full)
        {
            return Decision.Blocked(Blockers.DiskCritical, $"nobody holds the leader key but this member is never promoted while its disk is critically full: {full.Describe()}");
        }

        var selfState = MemberStateFactory.FromLocal(s.Self, local, s.Cluster!.Members.Values, s.LastKnownRole, null, DateTimeOffset.MinValue) with { Disk = s.LocalDisk };
        var others = s.Cluster.Members.Values.Where(m => m.Name != s.Self.Name).ToList();
        var mine = GtidPosition.Parse(selfState.ReceivedPosition);

        foreach (var other in others)
        {
            if (other.Server == ServerStatus.Running && other.ReadOnly != true)
            {
                return Decision.Blocked(Blockers.WritableMember, $"nobody holds the leader key but {other.Name} still reports a writable server; waiting for it to demote itself");
            }
            if (other.Server == ServerStatus.Running && other.IoRunning)
            {
                return Decision.Blocked(Blockers.MemberStillReplicating, $"nobody holds the leader key; waiting for {other.Name} to stop replicating from the former primary before choosing a new one");
            }
        }

        // An operator's request names the new primary: a handed-over switchover (the old primary made sure the target
        // has everything) or a forced failover (the operator accepted the loss the CLI described).
        if (s.Cluster.Request is { } request && request.IsLive(now)
            && (request.Phase == RequestPhase.HandedOver || request.Kind == RequestKind.Failover))
        {
            return request.To == s.Self.Name
                ? new Decision(new HaAction.AcquireLeadership(), $"tried to take the leader key as the target of the {Describe(request)}")
                : Decision.Blocked(Blockers.RequestTarget, $"nobody holds the leader key; waiting for {request.To} to take over as the {Describe(request)} asks");
        }

        // A switchover this member handed over expired without its target taking the key (its server hung or died
        // right after the handover). This member was the last primary and has been read-only since; every
        // acknowledged transaction was committed here before it was acknowledged, and nobody has led since, so no
        // member, however unknown its state, can hold one this member lacks: it takes the key back rather than
        // leave the cluster without a primary until the target answers.
        if (s.Cluster.Request is { Kind: RequestKind.Switchover, Phase: RequestPhase.HandedOver } stale && !stale.IsLive(now)
            && stale.From == s.Self.Name && s.Cluster.LastLeader == s.Self.Name
            && (stale.Position is null || (GtidPosition.TryParse(stale.Position, out var handedAt) && mine.Contains(handedAt))))
        {
            return TakeOverIfNothingLacking(others, mine,
                $"tried to take the leader key back because the {Describe(stale)} this member handed over expired without {stale.To} taking over, and as the last primary, read-only since, it holds every acknowledged transaction");
        }

        var unknown = UnknownHolders(s, others);
        if (unknown.Count > 0)
        {
            return Decision.Blocked(Blockers.UnknownPosition, $"nobody holds the leader key; waiting for {string.Join(" and ", unknown)}, because what it received is unknown and may include acknowledged transactions this member lacks (unknown is not no; `keel failover --to MEMBER --force` overrides and says what may be lost)");
        }

        var ranked = CandidateRanking.Rank(others.Append(selfState), s.Cluster.LastLeader);
        if (ranked.Count == 0 || ranked[0].Name != s.Self.Name)
        {
            return ranked.Count == 0
                ? Decision.Blocked(Blockers.NoCandidate, "nobody holds the leader key and no member can be promoted yet")
                : Decision.Blocked(Blockers.BetterCandidate, $"nobody holds the leader key; {ranked[0].Name} is the better candidate");
        }
        return TakeOverIfNothingLacking(others, mine,
            $"tried to take the leader key because nobody holds it and this member has the most received transactions ({mine})");
    }

    /// <summary>The last check before taking the key: no running member has received a transaction this one lacks.</summary>
    private static Decision TakeOverIfNothingLacking(IReadOnlyList<MemberState> others, GtidPosition mine, string reason)
    {
        var notContained = others
            .Where(o => o.Server == ServerStatus.Running && !mine.Contains(GtidPosition.Parse(o.ReceivedPosition)))
            .Select(o => o.Name)
            .ToList();
        return notContained.Count > 0
            ? Decision.Blocked(Blockers.LacksTransactions, $"nobody holds the leader key but this member lacks transactions that {string.Join(", ", notContained)} has; refusing to take over")
            : new Decision(new HaAction.AcquireLeadership(), reason);
    }

    /// <summary>
    /// Members other than the former primary whose received position cannot be read now: a server that is down or
    /// does not answer (the last position its agent read is only a lower bound: it may have received and acknowledged
    /// more before it stopped), and a member on the roster that has published nothing (its agent is down or cut off
    /// while its server may still be receiving from the former primary). Any of them may hold a transaction the
    /// primary acknowledged and no running member has, so none may be skipped. The former primary itself is left out:
    /// what only it holds was never acknowledged. It is the last leader on record, or, before one was recorded, the
    /// member that last reported itself primary.
    /// </summary>
    private static List<string> UnknownHolders(HaSnapshot s, IReadOnlyList<MemberState> others)
    {
        var cluster = s.Cluster!;
        bool WasPrimary(string name, MemberState? m) =>
            cluster.LastLeader is { } last ? name == last : m?.Role == MemberRole.Primary;
        var down = others
            .Where(o => o.Server != ServerStatus.Running && !WasPrimary(o.Name, o))
            .Select(o => $"{o.Name}, whose server is {(o.Server == ServerStatus.Stopped ? "down" : "not answering")}"
                + (o.ReceivedAt is { } at && o.ReceivedPosition.Length > 0 ? $" (it had received {o.ReceivedPosition} at {at:HH:mm:ss.fff}Z)" : ""));
        var silent = cluster.Silent
            .Where(name => name != s.Self.Name && !WasPrimary(name, null))
            .Select(name => $"{name}, whose agent has published no state (down or cut off from etcd)");
        return down.Concat(silent).ToList();
    }

    /// <summary>
    /// A handed-over switchover: the old primary stopped writes and saw the target apply all of them before it
    /// released the key in the same transaction that marked the request handed over. Nobody can hold a transaction
    /// the target lacks, so there is nothing to wait for: the target takes the key at once (its promotion drains and
    /// stops its own replication), and every other member, the old primary too, starts replicating from the target
    /// now, so that the target's first commit finds its semi-sync replicas already connected.
    /// </summary>
    private static Decision DecideHandedOver(HaSnapshot s, ClusterRequest request)
    {
        var self = s.Self.Name;
        var writers = OtherWriters(s);
        if (writers.Count > 0)
        {
            return Decision.Blocked(Blockers.WritableMember, $"nobody holds the leader key but {string.Join(", ", writers)} still reports a writable server; waiting for it to demote itself");
        }
        if (request.To == self)
        {
            return new Decision(new HaAction.AcquireLeadership(), $"tried to take the leader key as the target of the {Describe(request)}, which the old primary handed over");
        }
        if (!s.Cluster!.Members.TryGetValue(request.To, out var target) || target.Server != ServerStatus.Running)
        {
            return s.Local.IsReplicating
                ? new Decision(new HaAction.StopReplication(), $"stopped replicating because the leader key is gone and {request.To}, the target of the {Describe(request)}, is not running")
                : Decision.Blocked(Blockers.RequestTarget, $"nobody holds the leader key; waiting for {request.To} to take over as the {Describe(request)} asks");
        }
        var replication = s.Local.Replication;
        if (replication is { IoRunning: true, SqlRunning: true } && replication.SourceHost == target.Host && replication.SourcePort == target.Port)
        {
            return Decision.Blocked(Blockers.RequestTarget, $"nobody holds the leader key; replicating from {request.To} already and waiting for it to take over as the {Describe(request)} asks");
        }
        return new Decision(new HaAction.Follow(target.Name, target.Host, target.Port),
            $"started replicating from {target.Name} ahead of its promotion because the old primary handed the {Describe(request)} over to it with every transaction applied");
    }

    private static bool LeaseAtRisk(HaSnapshot s, DateTimeOffset now) =>
        s.Lease is null || s.Lease.IsLost || s.Lease.ExpiresNoEarlierThan - now <= s.Timing.DemoteMargin;

    private static List<string> OtherWriters(HaSnapshot s) =>
        s.Cluster!.Members.Values
            .Where(m => m.Name != s.Self.Name && m.Server == ServerStatus.Running && m.ReadOnly == false)
            .Select(m => m.Name)
            .ToList();
}
