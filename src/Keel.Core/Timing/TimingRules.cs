namespace Keel.Core.Timing;

/// <summary>
/// The agent's timing and the one rule that ties them together.
/// A primary must be read-only before its lease can expire. The lease expires no earlier than the moment the last
/// successful keepalive was sent plus the TTL. Between two ticks the agent is blind for up to one loop interval, and
/// the demotion itself is one local query that may take up to one request timeout. So the primary demotes once
/// less than <see cref="DemoteMargin"/> = loop interval + request timeout is left. Keepalives go out every TTL/3,
/// each bounded by the request timeout, so a healthy agent renews long before that margin: the rule
/// <c>ttl &gt;= 3 * (loop_interval + request_timeout)</c>, with the worst case of one failed keepalive written out in
/// <see cref="RenewalAfterOneFailedTry"/>, keeps one failed keepalive (a hung etcd member, an etcd election) from
/// causing a demotion.
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
    /// How far the lease lives usefully after a renewal: the primary demotes itself this long after its last renewal
    /// (TTL - demote margin), so renewals are paced on this window, not on the whole TTL.
    /// </summary>
    public TimeSpan DemoteAfterRenewal => Ttl - DemoteMargin;

    /// <summary>Keepalives go out three times per useful window, (TTL - demote margin) / 3; the agent gives LeaseSession this.</summary>
    public TimeSpan KeepAliveInterval => DemoteAfterRenewal / 3;

    /// <summary>One keepalive try (over the endpoints, from the one that last answered) is given up after 0.8 of the interval, as LeaseSession does.</summary>
    public TimeSpan KeepAliveTryTimeout => KeepAliveInterval * 0.8;

    /// <summary>After a failed try LeaseSession tries again after 250 ms (LeaseSession.RetryAfterFailure).</summary>
    public static readonly TimeSpan KeepAliveRetry = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The worst case the timing must absorb without demoting a healthy primary: renewed at 0; the next try goes out
    /// at W/3 (W = TTL - demote margin) and fails as late as it can (a hung etcd member, or every member busy with an
    /// etcd election), given up at 0.8 * W/3; the retry goes out 250 ms later and succeeds. A renewal counts from the
    /// moment its try was sent, so the lease is renewed at W/3 + 0.8 * W/3 + 0.25 s = 0.6 * W + 0.25 s, which must be
    /// before W. With the defaults (W = 10 s - 3 s = 7 s): 4.45 s &lt; 7 s, leaving 2.55 s for about ten more tries
    /// (an etcd election on the playground takes 1 to 2 s). Renewing on TTL/3 instead left 0.75 s after one
    /// failed try, and a paused etcd leader sometimes fenced a healthy primary.
    /// </summary>
    public TimeSpan RenewalAfterOneFailedTry => KeepAliveInterval + KeepAliveTryTimeout + KeepAliveRetry;

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
        // With renewals paced on W = TTL - margin, one failed try always leaves room (0.6 * W + 0.25 s < W once W > 0.625 s,
        // and this rule makes W at least 2.4 s); the rule stays so that a slow agent loop is not paid for by the lease.
        var minimum = 3 * (LoopInterval + RequestTimeout);
        return Ttl < minimum
            ? $"ttl ({Ttl.TotalSeconds:0.###} s) must be at least 3 * (loop_interval + request_timeout) = {minimum.TotalSeconds:0.###} s so that one slow keepalive cannot demote a healthy primary"
            : null;
    }
}
