using System.Collections.Immutable;

namespace Keel.Core.Model;

/// <summary>
/// The cluster as read from etcd at the start of a tick. <see cref="Roster"/> lists the members that were added on
/// purpose (they stay listed when their agent's key expires); <see cref="LastLeader"/> names the member that took the
/// leader key last (kept when the key itself is gone), so that an election can tell a vanished former primary, whose
/// unacknowledged tail may be lost, from a vanished replica, which may hold acknowledged transactions.
/// <see cref="Revision"/> is etcd's revision at the read (0 when unknown). <see cref="ReinitRequested"/> names the
/// members an operator asked to re-clone (`keel reinit`), <see cref="PurgeOldRequested"/> those of them whose old
/// datadirs are to be removed too (`keel reinit --purge-old`).
/// </summary>
public sealed record ClusterView(
    string? InitializedBy,
    LeaderRecord? Leader,
    ImmutableDictionary<string, MemberState> Members,
    bool Paused = false,
    ClusterRequest? Request = null,
    ImmutableSortedSet<string>? Roster = null,
    string? LastLeader = null,
    long Revision = 0,
    ImmutableSortedSet<string>? ReinitRequested = null,
    ImmutableSortedSet<string>? PurgeOldRequested = null,
    Keel.Core.Backup.BackupOutcome? LastBackup = null,
    Keel.Core.Backup.Archive.ArchiveStatus? Archive = null,
    Keel.Core.Galera.GaleraBootstrapRecord? GaleraBootstrap = null,
    string? GaleraForcedBootstrap = null,
    ImmutableSortedSet<string>? GaleraRestartRequested = null,
    Keel.Core.Passwords.PasswordRotation? PasswordRotation = null)
{
    /// <summary>Whether the operator's reinit request for <paramref name="name"/> also asks to purge its old datadirs (`--purge-old`).</summary>
    public bool PurgeOldRequestedFor(string name) => PurgeOldRequested?.Contains(name) == true;

    /// <summary>Whether an operator asked (etcd key <c>reinit/NAME</c>) that <paramref name="name"/> be re-cloned.</summary>
    public bool ReinitRequestedFor(string name) => ReinitRequested?.Contains(name) == true;

    public bool IsInitialized => InitializedBy is not null;

    /// <summary>Members on the roster that have published no state (their agent is down or cut off from etcd).</summary>
    public IEnumerable<string> Silent =>
        (Roster ?? ImmutableSortedSet<string>.Empty).Where(name => !Members.ContainsKey(name));
}
