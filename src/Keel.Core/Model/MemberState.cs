namespace Keel.Core.Model;

/// <summary>Role a member reports for its own server.</summary>
public enum MemberRole
{
    Unknown,
    Primary,
    Replica,
}

/// <summary>
/// What one agent publishes about its member under its session lease (etcd key <c>members/NAME</c>). Positions are
/// GTID strings so that the record stays a plain value that any client can read.
/// </summary>
public sealed record MemberState
{
    public required string Name { get; init; }
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required string ApiUrl { get; init; }
    public MemberTags Tags { get; init; } = MemberTags.Default;
    public ServerStatus Server { get; init; }
    public bool? ReadOnly { get; init; }
    public MemberRole Role { get; init; }
    /// <summary>Name of the member this one replicates from, when known.</summary>
    public string? Following { get; init; }
    public bool IoRunning { get; init; }
    public bool SqlRunning { get; init; }
    public string BinlogPosition { get; init; } = "";
    public string ReceivedPosition { get; init; } = "";
    /// <summary>
    /// When <see cref="ReceivedPosition"/> was read from the running server. While the server is down the agent keeps
    /// publishing the last position it read, with this older time: a lower bound, since the server may have received
    /// (and acknowledged) more before it stopped. Null when the agent never read one.
    /// </summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The fingerprint of the password this replica's replication connects with (a password rotation waits for the new one); null when not replicating.</summary>
    public string? ReplicationPasswordFingerprint { get; init; }

    /// <summary>Seconds_Behind_Master as the server says it (0 while semi-sync blocks or the IO thread is stuck).</summary>
    public long? LagSeconds { get; init; }

    /// <summary>
    /// Keel's own lag measure on a replica (<see cref="Gtid.SourceLag"/>: the age of the oldest position the primary
    /// published that this replica has not applied), in seconds to 0.1; null on the primary or when unknown.
    /// </summary>
    public double? MeasuredLagSeconds { get; init; }
    /// <summary>
    /// The primary holds the leader key but keeps its server read-only because no replica can acknowledge commits:
    /// replicas follow it anyway (it has every transaction), and it is writable again once one is connected.
    /// </summary>
    public bool WaitingForReplicas { get; init; }

    /// <summary>
    /// The local server is the same process that was last the writable primary here (it did not crash or restart
    /// since): when etcd drops every lease at once, such a member may simply keep the lead (see CandidateRanking).
    /// </summary>
    public bool PrimaryServerIntact { get; init; }
    public bool? SemiSync { get; init; }

    /// <summary>Free space on the datadir's and the binlogs' filesystems against the disk thresholds; null when not measured.</summary>
    public Disk.MemberDisk? Disk { get; init; }

    /// <summary>Galera mode: the node's wsrep state, or its recovered position while stopped; null in replication mode.</summary>
    public Galera.GaleraState? Galera { get; init; }

    /// <summary>
    /// While nobody holds the leader key: what keeps this member from taking over, as a stable code
    /// (<see cref="Decisions.Blockers"/>) and the decision's sentence; null otherwise.
    /// </summary>
    public BlockedBy? Blocked { get; init; }

    /// <summary>Galera: the record shows a running node that serves by clustercheck's rule (one place for the test every reader of records makes).</summary>
    public bool GaleraServes(bool allowDonor) => Server == ServerStatus.Running && Galera is { Recovered: false } g && g.Serves(allowDonor);

    /// <summary>The local binlogs after the last retention pass; null until one ran.</summary>
    public Binlogs.BinlogSummary? Binlogs { get; init; }

    /// <summary>A member at the critical disk level is never promoted, and as primary it hands over.</summary>
    public bool DiskCritical => Disk?.Level == Keel.Core.Disk.DiskLevel.Critical;

    /// <summary>Datadirs this member's re-clones moved aside and Keel keeps (`keel reinit --purge-old` or clone.keep_old_copies remove them), oldest first.</summary>
    public IReadOnlyList<string>? OldDataDirs { get; init; }

    /// <summary>A long action in progress and how far it is ("cloning from m2: 120.5 MB of 300.0 MB (40 %), ..."); null otherwise.</summary>
    public string? Activity { get; init; }
    public string? LastError { get; init; }
    public int? AgentPid { get; init; }
    public int? ServerPid { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
