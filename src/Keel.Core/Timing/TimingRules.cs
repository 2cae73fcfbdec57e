namespace Keel.Core.Timing;

/// <summary>
/// The agent's timing and the one rule that ties them together.
/// A primary must be read-only before its lease can expire. The lease expires no earlier than the moment the last
/// successful keepalive was sent plus the TTL. Between two ticks the agent is blind for up to one loop interval, and
/// the demotion itself is one local query that may take up to one request timeout. So the primary demotes once
/// less than <see cref="DemoteMargin"/> = loop interval + request timeout is left. Keepalives go out every TTL/3,
/// each bounded by the request timeout, so a healthy agent renews long before that margin: the rule
/// <c>ttl &gt;= 3 * (loop_interval + request_timeout)</c> keeps one failed keepalive from causing a demotion.
/// </summary>
public sealed record TimingRules(TimeSpan Ttl, TimeSpan LoopInterval, TimeSpan RequestTimeout, TimeSpan? NoReplicaWait = null)
{
    /// <summary>
    /// How long a writable primary may have no semi-sync replica connected before it turns read-only, so that clients
    /// get an immediate error instead of commits that hang until a replica returns (default 3 s: longer than a replica
    /// takes to reconnect after a restart or a re-point, so a routine blip does not stop writes).
    /// </summary>
    public TimeSpan NoReplicaTimeout => NoReplicaWait ?? TimeSpan.FromSeconds(3);

    public static readonly TimingRules Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

    public TimeSpan DemoteMargin => LoopInterval + RequestTimeout;

    /// <summary>
    /// How long the primary's own server may go without answering a probe (SIGSTOP, an I/O stall) before its agent
    /// releases the leader key: one TTL, the same time a primary whose whole host vanished keeps the cluster waiting.
    /// Releasing is safe: the replicas stop their IO threads when the key goes, so the hung server can get no more
    /// acknowledgements, and lossless semi-sync then lets none of its commits return to a client.
    /// </summary>
    public TimeSpan HungServerTimeout => Ttl;

    /// <summary>Null when valid, else the reason in one sentence.</summary>
    public string? Validate()
    {
        if (LoopInterval <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || Ttl <= TimeSpan.Zero || NoReplicaTimeout <= TimeSpan.Zero)
        {
            return "ttl, loop_interval, request_timeout and no_replica_timeout must all be positive";
        }
        if (DemoteMargin <= Fencing.FenceRule.Poll + Fencing.FenceRule.StatementTimeout)
        {
            return $"loop_interval + request_timeout ({DemoteMargin.TotalSeconds:0.###} s) must exceed {(Fencing.FenceRule.Poll + Fencing.FenceRule.StatementTimeout).TotalSeconds:0.###} s, the time the watchdog may take to fence a server";
        }
        var minimum = 3 * (LoopInterval + RequestTimeout);
        return Ttl < minimum
            ? $"ttl ({Ttl.TotalSeconds:0.###} s) must be at least 3 * (loop_interval + request_timeout) = {minimum.TotalSeconds:0.###} s so that one slow keepalive cannot demote a healthy primary"
            : null;
    }
}
