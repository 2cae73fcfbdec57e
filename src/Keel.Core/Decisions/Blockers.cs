namespace Keel.Core.Decisions;

/// <summary>
/// The stable codes of <see cref="Decision.Blocker"/>: why a member does not take over while nobody holds the leader
/// key. They are part of Keel's interface (status JSON, /cluster, the metric label), so they never change meaning.
/// </summary>
public static class Blockers
{
    /// <summary>The cluster is paused (maintenance mode): no automatic action.</summary>
    public const string Paused = "paused";

    /// <summary>etcd cannot be read: the cluster state is unknown.</summary>
    public const string StoreUnreachable = "store_unreachable";

    /// <summary>This agent has no session lease in etcd.</summary>
    public const string NoSession = "no_session";

    /// <summary>The local server does not answer (its state is unknown).</summary>
    public const string LocalServerUnknown = "local_server_unknown";

    /// <summary>This member is tagged nofailover.</summary>
    public const string NoFailoverTag = "nofailover_tag";

    /// <summary>This member's disk is critically full.</summary>
    public const string DiskCritical = "disk_critical";

    /// <summary>Another member still reports a writable server.</summary>
    public const string WritableMember = "writable_member";

    /// <summary>Another member still replicates from the former primary.</summary>
    public const string MemberStillReplicating = "member_still_replicating";

    /// <summary>An operator's request names another member as the new primary.</summary>
    public const string RequestTarget = "request_target";

    /// <summary>A member whose received transactions are unknown (server down, agent silent) may hold acknowledged ones.</summary>
    public const string UnknownPosition = "unknown_position";

    /// <summary>No member can be promoted (none is a candidate).</summary>
    public const string NoCandidate = "no_candidate";

    /// <summary>Another member is the better candidate (it takes over; not a block of the cluster).</summary>
    public const string BetterCandidate = "better_candidate";

    /// <summary>This member lacks transactions another running member has.</summary>
    public const string LacksTransactions = "lacks_transactions";

    /// <summary>The cluster is not initialized and this server already holds data.</summary>
    public const string NotInitialized = "not_initialized";
}
