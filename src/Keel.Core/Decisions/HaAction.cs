namespace Keel.Core.Decisions;

/// <summary>What the executor does after a decision. Each action is one small, idempotent step.</summary>
public abstract record HaAction
{
    /// <summary>Nothing to change this tick.</summary>
    public sealed record None : HaAction;

    /// <summary>Start the local server, always read-only and with unacknowledged binlog tail truncation.</summary>
    public sealed record StartServer : HaAction;

    /// <summary>
    /// Fill the empty local datadir with a physical copy streamed from <paramref name="Donor"/>'s agent (mariabackup),
    /// prepare it, start the server read-only at the copy's GTID position; replication follows on the next tick.
    /// </summary>
    public sealed record CloneFrom(string Donor, string DonorApiUrl, bool Throttled) : HaAction;

    /// <summary>
    /// Fill the empty local datadir from the newest verified backup (no member can serve a copy), and start the server
    /// read-only at the backup's position: it catches up by replication once a primary exists. The backup alone, not
    /// the binlog archive: the archive's tail may hold transactions no replica acknowledged, and a member seeded with
    /// them could outrank the members that come back.
    /// </summary>
    public sealed record RestoreBackup : HaAction;

    /// <summary>
    /// Stop the local server and move its datadir aside (kept, never deleted), so that the next tick clones it afresh;
    /// deletes this member's reinit request when <paramref name="FromRequest"/>. <paramref name="PurgeOld"/>: the operator
    /// also asked to remove the datadirs earlier re-clones moved aside (the one moved aside now is kept).
    /// </summary>
    public sealed record SetDataAside(bool FromRequest, bool PurgeOld = false) : HaAction;

    /// <summary>Delete this member's reinit request without acting on it (the reason goes to the history).</summary>
    public sealed record DropReinitRequest(string Why) : HaAction;

    /// <summary>Create the initialize key and the leader key in one transaction (first member of a new cluster).</summary>
    public sealed record Bootstrap : HaAction;

    /// <summary>
    /// Re-create the initialize key (if absent, without a leader key) because the store came back without the cluster
    /// this member remembers: the usual election then picks the member with every acknowledged transaction.
    /// </summary>
    public sealed record Reinitialize : HaAction;

    /// <summary>Delete a leader key from an older copy of the store (if its create revision still matches).</summary>
    public sealed record DeleteStaleLeader(long CreateRevision) : HaAction;

    /// <summary>Create the leader key if absent, with this agent's lease.</summary>
    public sealed record AcquireLeadership : HaAction;

    /// <summary>Move the leader key, still ours, onto this agent's current lease (the agent restarted).</summary>
    public sealed record ReclaimLeadership(long CreateRevision) : HaAction;

    /// <summary>Delete the leader key if it is still ours.</summary>
    public sealed record ReleaseLeadership(long CreateRevision) : HaAction;

    /// <summary>Stop replication, apply the whole relay log, forget the source, then allow writes.</summary>
    public sealed record Promote : HaAction;

    /// <summary>
    /// The primary keeps the leader key but turns read-only because no replica can acknowledge: clients get an error
    /// at once instead of commits that hang (never an asynchronous fallback).
    /// </summary>
    public sealed record HoldWritesForReplicas : HaAction;

    /// <summary>Make the local server read-only and cut its client sessions.</summary>
    public sealed record Demote : HaAction;

    /// <summary>Replicate from the given member with GTID and semi-sync.</summary>
    public sealed record Follow(string Leader, string Host, int Port) : HaAction;

    /// <summary>Stop the IO thread so that a former primary gets no more acknowledgements from here.</summary>
    public sealed record StopReplication : HaAction;

    /// <summary>
    /// Planned switchover, primary side: stop writes, wait until the target has applied everything, then delete
    /// the leader key and mark the request handed over, in one transaction. Undone if the target cannot catch up.
    /// </summary>
    public sealed record HandOver(string Target, string Host, int Port, long CreateRevision) : HaAction;

    /// <summary>
    /// Write a switchover request to <paramref name="Target"/> as an operator would (checked again against the store);
    /// the usual hand-over follows. A primary does this when its disk is critically full.
    /// </summary>
    public sealed record RequestSwitchover(string Target, long MaxLagSeconds) : HaAction;

    /// <summary>
    /// Carry out one phase of a password rotation on the primary with a binlogged ALTER USER (every member gets it by
    /// replication), then record the position it is at in the rotation's key.
    /// </summary>
    public sealed record ApplyPasswordPhase(Keel.Core.Passwords.PasswordRotation Rotation) : HaAction;

    /// <summary>Delete the pending request (it cannot be carried out); the reason goes to the history.</summary>
    public sealed record CancelRequest(string Why) : HaAction;
}
