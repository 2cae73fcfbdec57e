namespace Keel.Core.Galera;

/// <summary>
/// A Galera node as its agent publishes it (member record, `galera`): wsrep status while the server runs, or the
/// position recovered from the stopped server's datadir (grastate.dat, `mariadbd --wsrep-recover`) when
/// <see cref="Recovered"/>. <see cref="LocalState"/> is wsrep_local_state (1 Joining, 2 Donor/Desynced, 3 Joined,
/// 4 Synced); <see cref="ClusterStatus"/> is wsrep_cluster_status (Primary, non-Primary, Disconnected);
/// <see cref="Seqno"/> is wsrep_last_committed, or the recovered seqno (-1: unknown).
/// </summary>
public sealed record GaleraState
{
    public const int Joining = 1;
    public const int Donor = 2;
    public const int Joined = 3;
    public const int Synced = 4;

    public int? LocalState { get; init; }
    public string? LocalStateComment { get; init; }
    public string? ClusterStatus { get; init; }
    public bool Ready { get; init; }
    public int ClusterSize { get; init; }
    public string? ClusterUuid { get; init; }
    public long? Seqno { get; init; }
    public bool Recovered { get; init; }
    public bool? SafeToBootstrap { get; init; }
    public double? FlowControlPaused { get; init; }

    public bool InPrimaryComponent => ClusterStatus == "Primary";

    /// <summary>clustercheck's rule: in the Primary component, ready, and Synced (or Donor, when donors may serve).</summary>
    public bool Serves(bool allowDonor) =>
        InPrimaryComponent && Ready && (LocalState == Synced || (allowDonor && LocalState == Donor));

    /// <summary>"Synced in a Primary component of 3", without the seqno: for decision sentences, which are logged when they change.</summary>
    public string Summary() => Recovered ? "stopped" : $"{LocalStateComment ?? "unknown state"} in a {ClusterStatus ?? "unknown"} component of {ClusterSize}";

    /// <summary>"Synced in a Primary component of 3, seqno 120".</summary>
    public string Describe() =>
        Recovered
            ? $"stopped; recovered position {ClusterUuid ?? "?"}:{Seqno?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}"
            : $"{LocalStateComment ?? "unknown state"} in a {ClusterStatus ?? "unknown"} component of {ClusterSize}, seqno {Seqno?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";
}
