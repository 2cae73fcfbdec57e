using System.Collections.Immutable;
using Keel.Core.Model;
using Keel.Etcd;

namespace Keel.Agent.Store;

/// <summary>
/// Reads and writes the cluster's keys. Every method either returns what etcd said or throws
/// <see cref="EtcdException"/>: "lost the race" is a false result, "etcd did not answer" is an exception; the two
/// are never merged.
/// </summary>
public sealed class ClusterStore
{
    private readonly IEtcdClient _etcd;

    public ClusterStore(IEtcdClient etcd, KeyLayout keys)
    {
        _etcd = etcd;
        Keys = keys;
    }

    public KeyLayout Keys { get; }

    public async Task<ClusterView> ReadAsync(CancellationToken ct)
    {
        var range = await _etcd.GetPrefixAsync(Keys.Prefix, ct);
        string? initializedBy = null;
        ClusterRequest? request = null;
        var paused = false;
        LeaderRecord? leader = null;
        string? lastLeader = null;
        var roster = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var reinit = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var purgeOld = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        Keel.Core.Backup.BackupOutcome? lastBackup = null;
        Keel.Core.Backup.Archive.ArchiveStatus? archive = null;
        Keel.Core.Galera.GaleraBootstrapRecord? galeraBootstrap = null;
        string? galeraForce = null;
        Keel.Core.Passwords.PasswordRotation? rotation = null;
        var galeraRestart = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        var members = ImmutableDictionary.CreateBuilder<string, MemberState>(StringComparer.Ordinal);
        foreach (var kv in range.Kvs)
        {
            if (kv.Key == Keys.Initialize)
            {
                initializedBy = kv.Value;
            }
            else if (kv.Key == Keys.Leader && StoreJson.Read<LeaderValue>(kv.Value) is { } lv)
            {
                leader = new LeaderRecord(lv.Name, kv.Lease, kv.CreateRevision);
            }
            else if (kv.Key == Keys.LastLeader && StoreJson.Read<LeaderValue>(kv.Value) is { } last)
            {
                lastLeader = last.Name;
            }
            else if (kv.Key.StartsWith(Keys.RosterPrefix, StringComparison.Ordinal))
            {
                roster.Add(kv.Key[Keys.RosterPrefix.Length..]);
            }
            else if (kv.Key.StartsWith(Keys.ReinitPrefix, StringComparison.Ordinal))
            {
                reinit.Add(kv.Key[Keys.ReinitPrefix.Length..]);
                if (StoreJson.Read<ReinitValue>(kv.Value) is { PurgeOld: true })
                {
                    purgeOld.Add(kv.Key[Keys.ReinitPrefix.Length..]);
                }
            }
            else if (kv.Key == Keys.ArchiveStatus)
            {
                try
                {
                    archive = System.Text.Json.JsonSerializer.Deserialize(kv.Value, Backup.BackupJson.Default.ArchiveStatus);
                }
                catch (System.Text.Json.JsonException)
                {
                    // The same: no archive line.
                }
            }
            else if (kv.Key == Keys.BackupLast)
            {
                try
                {
                    lastBackup = System.Text.Json.JsonSerializer.Deserialize(kv.Value, Backup.BackupJson.Default.BackupOutcome);
                }
                catch (System.Text.Json.JsonException)
                {
                    // Not ours to judge here: status simply shows no last backup.
                }
            }
            else if (kv.Key == Keys.GaleraForce)
            {
                galeraForce = kv.Value;
            }
            else if (kv.Key.StartsWith(Keys.GaleraRestartPrefix, StringComparison.Ordinal))
            {
                galeraRestart.Add(kv.Key[Keys.GaleraRestartPrefix.Length..]);
            }
            else if (kv.Key == Keys.GaleraBootstrap)
            {
                galeraBootstrap = StoreJson.Read<Keel.Core.Galera.GaleraBootstrapRecord>(kv.Value);
            }
            else if (kv.Key == Keys.Request)
            {
                request = StoreJson.Read<ClusterRequest>(kv.Value);
            }
            else if (kv.Key == Keys.Pause)
            {
                paused = true;
            }
            else if (kv.Key == Keys.PasswordRotation)
            {
                rotation = StoreJson.Read<Keel.Core.Passwords.PasswordRotation>(kv.Value);
            }
            else if (kv.Key.StartsWith(Keys.MembersPrefix, StringComparison.Ordinal) && StoreJson.Read<MemberState>(kv.Value) is { } m)
            {
                members[m.Name] = m;
            }
        }
        return new ClusterView(initializedBy, leader, members.ToImmutable(), paused, request, roster.ToImmutable(), lastLeader, range.Revision, reinit.ToImmutable(), purgeOld.ToImmutable(), lastBackup, archive, galeraBootstrap, galeraForce, galeraRestart.ToImmutable(), rotation);
    }

    public Task PublishMemberAsync(MemberState state, long lease, CancellationToken ct) =>
        _etcd.PutAsync(Keys.Member(state.Name), StoreJson.Write(state), lease, ct);

    /// <summary>
    /// Puts this member on the roster (no lease: it stays when the agent's key expires) unless it is there already.
    /// A member leaves the roster only on purpose, never by expiry.
    /// </summary>
    public async Task RegisterAsync(MemberState state, CancellationToken ct) =>
        await _etcd.TxnAsync(new TxnRequest(
            [Compare.Absent(Keys.RosterEntry(state.Name))],
            [new PutOp(Keys.RosterEntry(state.Name), StoreJson.Write(new RosterEntry(state.Name, state.Host, state.Port, state.UpdatedAt)))],
            []), ct);

    /// <summary>Creates the initialize key and the leader key together; false when another member won.</summary>
    public async Task<bool> BootstrapAsync(string self, long lease, DateTimeOffset now, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest(
            [Compare.Absent(Keys.Initialize), Compare.Absent(Keys.Leader)],
            [new PutOp(Keys.Initialize, self), new PutOp(Keys.Leader, StoreJson.Write(new LeaderValue(self, now)), lease), LastLeaderPut(self, now)],
            []), ct);
        if (result.Succeeded)
        {
            await AppendHistoryAsync(new HistoryEntry(now, null, self, "initialized a new cluster", ""), ct);
        }
        return result.Succeeded;
    }

    /// <summary>
    /// Marks a new cluster as initialized from a restored datadir on <paramref name="member"/> (`keel restore`): an
    /// operator's explicit choice, since an agent never bootstraps a cluster from a server that holds data by itself.
    /// No leader key: the usual election makes that member lead. False when the cluster was initialized already.
    /// </summary>
    public Task<bool> InitializeFromRestoreAsync(string member, string what, DateTimeOffset now, CancellationToken ct) =>
        PutInitializeAsync(member, $"initialized the cluster from a restore: {what}", now, ct);

    /// <summary>
    /// Re-creates only the initialize key, when etcd came back without the cluster its members remember; false when
    /// it exists already. No leader key: the usual election decides who leads.
    /// </summary>
    public Task<bool> ReinitializeAsync(string self, DateTimeOffset now, CancellationToken ct) =>
        PutInitializeAsync(self, "re-created the cluster's keys after etcd came back without them", now, ct);

    /// <summary>The initialize key alone, if absent, with a history entry saying why; false when it existed.</summary>
    private async Task<bool> PutInitializeAsync(string member, string why, DateTimeOffset now, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest([Compare.Absent(Keys.Initialize)], [new PutOp(Keys.Initialize, member)], []), ct);
        if (result.Succeeded)
        {
            await AppendHistoryAsync(new HistoryEntry(now, null, member, why, ""), ct);
        }
        return result.Succeeded;
    }

    /// <summary>
    /// Galera: takes the bootstrap key (under this agent's lease) if nobody holds it, and for a new cluster the
    /// initialize key in the same transaction; false when another node holds either. There is never a second bootstrap.
    /// </summary>
    public async Task<bool> TakeGaleraBootstrapAsync(Keel.Core.Galera.GaleraBootstrapRecord record, bool newCluster, long lease, string why, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest(
            newCluster ? [Compare.Absent(Keys.GaleraBootstrap), Compare.Absent(Keys.Initialize)] : [Compare.Absent(Keys.GaleraBootstrap)],
            newCluster
                ? [new PutOp(Keys.GaleraBootstrap, StoreJson.Write(record), lease), new PutOp(Keys.Initialize, record.Member)]
                : record.Forced
                    ? [new PutOp(Keys.GaleraBootstrap, StoreJson.Write(record), lease), new DeleteOp(Keys.GaleraForce)]
                    : [new PutOp(Keys.GaleraBootstrap, StoreJson.Write(record), lease)],
            []), ct);
        if (result.Succeeded)
        {
            await AppendHistoryAsync(new HistoryEntry(record.At, null, record.Member, why, $"{record.ClusterUuid}:{record.Seqno}"), ct);
        }
        return result.Succeeded;
    }

    /// <summary>Galera: an operator's forced bootstrap of <paramref name="member"/> (`keel galera bootstrap --force`), with a history entry.</summary>
    public async Task PutGaleraForceAsync(string member, string why, DateTimeOffset now, CancellationToken ct)
    {
        await _etcd.PutAsync(Keys.GaleraForce, member, ct: ct);
        await AppendHistoryAsync(new HistoryEntry(now, null, member, why, ""), ct);
    }

    /// <summary>Galera: asks <paramref name="member"/>'s agent to restart its server (`keel galera rolling-restart`).</summary>
    public Task PutGaleraRestartAsync(string member, DateTimeOffset now, CancellationToken ct) =>
        _etcd.PutAsync(Keys.GaleraRestart(member), now.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ct: ct);

    public Task DeleteGaleraRestartAsync(string member, CancellationToken ct) => _etcd.DeleteAsync(Keys.GaleraRestart(member), ct);

    /// <summary>Galera: deletes the bootstrap key if it still names <paramref name="self"/>.</summary>
    public async Task DropGaleraBootstrapAsync(string self, CancellationToken ct)
    {
        var range = await _etcd.GetAsync(Keys.GaleraBootstrap, ct);
        if (range.Kvs is [{ } kv] && StoreJson.Read<Keel.Core.Galera.GaleraBootstrapRecord>(kv.Value)?.Member == self)
        {
            await _etcd.TxnAsync(new TxnRequest([Compare.ModRevisionIs(Keys.GaleraBootstrap, kv.ModRevision)], [new DeleteOp(Keys.GaleraBootstrap)], []), ct);
        }
    }

    /// <summary>Creates the leader key if nobody holds it; false when it exists.</summary>
    public async Task<bool> AcquireLeaderAsync(string self, long lease, DateTimeOffset now, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest(
            [Compare.Absent(Keys.Leader)],
            [new PutOp(Keys.Leader, StoreJson.Write(new LeaderValue(self, now)), lease), LastLeaderPut(self, now)],
            []), ct);
        return result.Succeeded;
    }

    /// <summary>Re-puts our leader key on a new lease; the create revision (fencing token) must still match.</summary>
    public async Task<bool> ReclaimLeaderAsync(string self, long createRevision, long lease, DateTimeOffset now, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest(
            [Compare.CreateRevisionIs(Keys.Leader, createRevision)],
            [new PutOp(Keys.Leader, StoreJson.Write(new LeaderValue(self, now)), lease), LastLeaderPut(self, now)],
            []), ct);
        return result.Succeeded;
    }

    // Written in the same transaction as the leader key, without a lease, so it outlives the key it records.
    private PutOp LastLeaderPut(string self, DateTimeOffset now) => new(Keys.LastLeader, StoreJson.Write(new LeaderValue(self, now)));

    /// <summary>Deletes the leader key only if it is still the one we created.</summary>
    public async Task<bool> ReleaseLeaderAsync(long createRevision, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest(
            [Compare.CreateRevisionIs(Keys.Leader, createRevision)],
            [new DeleteOp(Keys.Leader)],
            []), ct);
        return result.Succeeded;
    }

    /// <summary>True when the leader key still has this create revision and lease: checked right before allowing writes.</summary>
    public async Task<bool> StillLeaderAsync(long createRevision, long lease, CancellationToken ct)
    {
        var range = await _etcd.GetAsync(Keys.Leader, ct);
        return range.Kvs is [{ } kv] && kv.CreateRevision == createRevision && kv.Lease == lease;
    }

    /// <summary>Writes an operator's request unless another one was written since <paramref name="seenRevision"/> (0: none).</summary>
    public async Task<bool> PutRequestAsync(ClusterRequest request, long seenRevision, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest(
            [Compare.ModRevisionIs(Keys.Request, seenRevision)],
            [new PutOp(Keys.Request, StoreJson.Write(request))],
            []), ct);
        return result.Succeeded;
    }

    /// <summary>The request key's mod revision (0 when absent), to write a new request only over what was seen.</summary>
    public async Task<long> RequestRevisionAsync(CancellationToken ct)
    {
        var range = await _etcd.GetAsync(Keys.Request, ct);
        return range.Kvs is [{ } kv] ? kv.ModRevision : 0;
    }

    public Task DeleteRequestAsync(CancellationToken ct) => _etcd.DeleteAsync(Keys.Request, ct);

    /// <summary>Writes a password rotation's next phase (`keel rotate-password`).</summary>
    public Task PutPasswordRotationAsync(Keel.Core.Passwords.PasswordRotation rotation, CancellationToken ct) =>
        _etcd.PutAsync(Keys.PasswordRotation, StoreJson.Write(rotation), 0, ct);

    /// <summary>Marks the phase applied at <paramref name="position"/>, unless the key changed meanwhile (a newer phase).</summary>
    public async Task<bool> MarkPasswordRotationAppliedAsync(Keel.Core.Passwords.PasswordRotation rotation, string position, string by, CancellationToken ct)
    {
        var range = await _etcd.GetAsync(Keys.PasswordRotation, ct);
        if (range.Kvs.Count == 0 || StoreJson.Read<Keel.Core.Passwords.PasswordRotation>(range.Kvs[0].Value) is not { } current
            || current.Phase != rotation.Phase || current.NewHash != rotation.NewHash)
        {
            return false;
        }
        var result = await _etcd.TxnAsync(new TxnRequest(
            [Compare.ModRevisionIs(Keys.PasswordRotation, range.Kvs[0].ModRevision)],
            [new PutOp(Keys.PasswordRotation, StoreJson.Write(current with { AppliedAt = position, AppliedBy = by }))],
            []), ct);
        return result.Succeeded;
    }

    public Task DeletePasswordRotationAsync(CancellationToken ct) => _etcd.DeleteAsync(Keys.PasswordRotation, ct);

    /// <summary>
    /// Takes a member out of the cluster on purpose (`keel member remove`): its roster entry and published state go, so
    /// elections no longer wait for it. Its agent must be stopped first, or it registers again.
    /// </summary>
    public Task RemoveMemberAsync(string member, CancellationToken ct) =>
        _etcd.TxnAsync(new TxnRequest([], [new DeleteOp(Keys.RosterEntry(member)), new DeleteOp(Keys.Member(member)), new DeleteOp(Keys.Reinit(member))], []), ct);

    /// <summary>Asks the agent of <paramref name="member"/> to re-clone it (`keel reinit`); the value says when, and whether to purge old datadirs.</summary>
    public Task PutReinitAsync(string member, DateTimeOffset now, bool purgeOld, CancellationToken ct) =>
        _etcd.PutAsync(Keys.Reinit(member), StoreJson.Write(new ReinitValue(now, purgeOld)), ct: ct);

    public Task DeleteReinitAsync(string member, CancellationToken ct) => _etcd.DeleteAsync(Keys.Reinit(member), ct);

    /// <summary>
    /// The switchover's point of no return: the leader key goes and the request says "handed over", in one
    /// transaction, only if the leader key is still the one this primary created.
    /// </summary>
    public async Task<bool> HandOverAsync(long createRevision, ClusterRequest handedOver, CancellationToken ct)
    {
        var result = await _etcd.TxnAsync(new TxnRequest(
            [Compare.CreateRevisionIs(Keys.Leader, createRevision)],
            [new DeleteOp(Keys.Leader), new PutOp(Keys.Request, StoreJson.Write(handedOver))],
            []), ct);
        return result.Succeeded;
    }

    public Task SetPausedAsync(bool paused, CancellationToken ct) =>
        paused ? _etcd.PutAsync(Keys.Pause, DateTimeOffset.UtcNow.ToString("O"), 0, ct) : _etcd.DeleteAsync(Keys.Pause, ct);

    public Task AppendHistoryAsync(HistoryEntry entry, CancellationToken ct) =>
        _etcd.PutAsync(Keys.History(entry.At.ToUnixTimeMilliseconds()), StoreJson.Write(entry), 0, ct);

    public async Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(CancellationToken ct)
    {
        var range = await _etcd.GetPrefixAsync(Keys.HistoryPrefix, ct);
        return range.Kvs.Select(kv => StoreJson.Read<HistoryEntry>(kv.Value)).OfType<HistoryEntry>().ToList();
    }
}
