using Keel.Core.Decisions;
using Keel.Core.Model;

namespace Keel.Agent.Ha;

/// <summary>The result of the last tick, read by the REST API without touching MySQL or etcd.</summary>
public sealed record TickResult(HaSnapshot Snapshot, Decision Decision, MemberState Published, DateTimeOffset At)
{
    /// <summary>Galera mode: the node serves by clustercheck's rule (Primary Component, ready, Synced); null in replication mode.</summary>
    public bool? GaleraServes { get; init; }

    /// <summary>Galera mode with `galera.multi_writer`: every serving node answers /primary, not only the writer key holder.</summary>
    public bool GaleraMultiWriter { get; init; }

    /// <summary>Keel's own measure of how far this replica is behind the primary (<see cref="Keel.Core.Gtid.SourceLag"/>); zero on the primary, null when unknown.</summary>
    public TimeSpan? SourceLag { get; init; }

    /// <summary>Transactions of the primary's published position this member has not applied; zero on the primary, null when unknown.</summary>
    public ulong? TransactionsBehind { get; init; }

    /// <summary>A failover or switchover to this member that completed in this tick (its server now takes writes).</summary>
    public Takeover? Takeover { get; init; }
}

/// <summary>How this member became the primary.</summary>
public enum TakeoverKind
{
    Failover,
    Switchover,
}

/// <summary>A completed failover or switchover to this member, and how long it took (see the metrics for where it starts).</summary>
public sealed record Takeover(TakeoverKind Kind, TimeSpan Took);

/// <summary>Holds the latest <see cref="TickResult"/>; written by the loop, read by API requests.</summary>
public sealed class AgentStatus
{
    private TickResult? _latest;

    public TickResult? Latest => Volatile.Read(ref _latest);

    /// <summary>The agent's metrics (GET /metrics); null where none are kept (unit tests of the API).</summary>
    public Metrics.AgentMetrics? Metrics { get; init; }

    /// <summary>Publishes one tick's result; <paramref name="action"/> names its decision when the result's own does not (Galera).</summary>
    public void Update(TickResult result, string? action = null)
    {
        NoteLeader(result);
        Volatile.Write(ref _latest, result);
        Metrics?.Record(result, action ?? result.Decision.Action.GetType().Name, result.At);
    }

    private bool _leaderKnown;
    private string? _leader;

    /// <summary>Event id of a leadership change in the journal (and on <c>GET /events</c>, as event "leader").</summary>
    public const int LeaderChangedEventId = 110;

    /// <summary>Journals each change of the leader key's holder this agent sees (not the first reading).</summary>
    private void NoteLeader(TickResult result)
    {
        if (result.Snapshot.Cluster is not { } cluster)
        {
            return;
        }
        var leader = cluster.Leader?.Name;
        if (_leaderKnown && leader != _leader)
        {
            Journal.Add(new JournalEntry(result.At, result.Snapshot.Self.Name, LeaderChangedEventId, leader is null
                ? $"nobody holds the leader key any more (it was {_leader})"
                : $"{leader} holds the leader key now (it was {_leader ?? "nobody"})"));
        }
        _leaderKnown = true;
        _leader = leader;
    }

    /// <summary>What the loop decided and saw recently, for <c>GET /decisions</c>.</summary>
    public DecisionJournal Journal { get; } = new();
}
