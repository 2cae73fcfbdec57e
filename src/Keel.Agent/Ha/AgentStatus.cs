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
}

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
        Volatile.Write(ref _latest, result);
        Metrics?.Record(result, action ?? result.Decision.Action.GetType().Name, result.At);
    }

    /// <summary>What the loop decided and saw recently, for <c>GET /decisions</c>.</summary>
    public DecisionJournal Journal { get; } = new();
}
