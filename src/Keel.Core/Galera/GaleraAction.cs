namespace Keel.Core.Galera;

/// <summary>What a Galera-mode agent does after a decision; each is one small, idempotent step.</summary>
public abstract record GaleraAction
{
    public sealed record None : GaleraAction;

    /// <summary>Read the stopped server's position: grastate.dat, or `mariadbd --wsrep-recover` when its seqno is -1.</summary>
    public sealed record RecoverPosition : GaleraAction;

    /// <summary>
    /// Start the server to join the existing Primary Component of <paramref name="Via"/> (IST when it can, SST by
    /// mariabackup otherwise). The executor first asks their agents whether they still serve: a record read a moment
    /// after a full outage can be stale, and a joiner with nobody to join waits for nothing. <paramref name="Donors"/>:
    /// the state transfer's preferred donors (wsrep_sst_donor), the serving nodes other than the writer: a donor stops
    /// serving for the transfer, and a donating writer would move writes.
    /// </summary>
    public sealed record Join(IReadOnlyList<string> Via, IReadOnlyList<string> ViaApiUrls, IReadOnlyList<string> Donors) : GaleraAction;

    /// <summary>
    /// Take the bootstrap key and start a new Primary Component from this node (safe_to_bootstrap set by the agent,
    /// `--wsrep-new-cluster`). <paramref name="NewCluster"/>: the first start of a cluster that never held data.
    /// </summary>
    public sealed record Bootstrap(bool NewCluster, long Seqno, bool Forced = false) : GaleraAction;

    /// <summary>
    /// Rolling restart, this node's turn: delete its restart request, stop the server cleanly and start it again to
    /// rejoin (IST from the others' gcache). Only while every other node is Synced.
    /// </summary>
    public sealed record RestartServer(IReadOnlyList<string> Donors) : GaleraAction;

    /// <summary>
    /// Stop the local server: it has stayed outside any Primary Component with no node serving anywhere (a joiner that
    /// started as the last one went down, or a cluster that lost every node), so the full-outage recovery can begin.
    /// </summary>
    public sealed record StopServer : GaleraAction;

    /// <summary>Delete the bootstrap key: the bootstrapped node is Synced, so joiners no longer need it.</summary>
    public sealed record DropBootstrapKey : GaleraAction;

    /// <summary>Take the writer key (the leader key): HAProxy sends writes to exactly one node, avoiding certification conflicts.</summary>
    public sealed record AcquireWriter : GaleraAction;

    /// <summary>Give up the writer key: this node no longer serves.</summary>
    public sealed record ReleaseWriter(long CreateRevision) : GaleraAction;
}

/// <summary>One Galera decision: an action and the sentence that says why.</summary>
public sealed record GaleraDecision(GaleraAction Action, string Reason)
{
    public static GaleraDecision Nothing(string reason) => new(new GaleraAction.None(), reason);
}
