using Keel.Core.Gtid;
using Keel.Core.Model;

namespace Keel.Core.Clone;

/// <summary>Where a member with no data gets its data from.</summary>
public enum CloneSourceKind
{
    /// <summary>Stream a physical copy from a running member (its agent serves it).</summary>
    Member,

    /// <summary>Restore the newest verified backup.</summary>
    Backup,

    /// <summary>Start with an empty datadir: the cluster has never held data.</summary>
    Empty,

    /// <summary>Do nothing: no source is safe.</summary>
    Refuse,
}

/// <summary>The choice and its reason as one sentence; <see cref="Donor"/> is set for <see cref="CloneSourceKind.Member"/>.</summary>
public sealed record CloneChoice(CloneSourceKind Kind, MemberState? Donor, string Reason, bool Throttled = false);

/// <summary>
/// The clone source rule, the improved form of the bitpoke operator's clone table (seed 002), as one pure function:
/// a healthy streaming replica (least lag, then least busy, then name) before the primary (throttled, only when no
/// replica can serve); a verified backup only when no member can serve; an empty start only into a cluster that never
/// held data; otherwise refuse, because starting empty into a cluster that has data would fork it.
/// </summary>
public static class CloneSource
{
    /// <param name="self">The member that needs data (never its own donor).</param>
    /// <param name="cluster">The store's view; null when etcd is unreachable (then nothing is decided).</param>
    /// <param name="busyDonors">Members already serving a clone now (each counts once per clone).</param>
    /// <param name="hasVerifiedBackup">A verified backup exists in the member's backup repository.</param>
    public static CloneChoice Choose(string self, ClusterView? cluster, IReadOnlyDictionary<string, int> busyDonors, bool hasVerifiedBackup)
    {
        if (cluster is null)
        {
            return new(CloneSourceKind.Refuse, null, "etcd is unreachable, so whether the cluster holds data is unknown; not starting empty and not cloning");
        }

        var leader = cluster.Leader is { } l && cluster.Members.TryGetValue(l.Name, out var lm) ? lm : null;
        var replicas = cluster.Members.Values
            .Where(m => m.Name != self && leader is not null && IsHealthyReplicaOf(m, leader))
            .OrderBy(m => Lag(m, leader!))
            .ThenBy(m => busyDonors.GetValueOrDefault(m.Name))
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        if (replicas.Count > 0)
        {
            var donor = replicas[0];
            return new(CloneSourceKind.Member, donor,
                $"cloning from {donor.Name}, the healthy streaming replica with the least lag ({Lag(donor, leader!)} transaction(s) behind {leader!.Name}), so that the primary serves no copy");
        }

        if (leader is not null && leader.Name != self && leader.Server == ServerStatus.Running && leader.ReadOnly == false)
        {
            return new(CloneSourceKind.Member, leader,
                $"cloning from the primary {leader.Name} (throttled) because no healthy streaming replica can serve", Throttled: true);
        }

        if (hasVerifiedBackup)
        {
            return new(CloneSourceKind.Backup, null, "restoring the newest verified backup because no member can serve a copy");
        }

        return cluster.IsInitialized
            ? new(CloneSourceKind.Refuse, null,
                "refusing to start empty: etcd says the cluster was initialised (it holds data) and no healthy member or verified backup can serve a copy")
            : new(CloneSourceKind.Empty, null, "starting with an empty datadir because the cluster was never initialised");
    }

    private static bool IsHealthyReplicaOf(MemberState m, MemberState leader) =>
        m.Server == ServerStatus.Running && m.ReadOnly == true && m.IoRunning && m.SqlRunning && m.Following == leader.Name
        && m.LastError is null;

    /// <summary>Transactions the replica has not applied yet compared with the primary (GTID counts; seconds lie under semi-sync).</summary>
    private static ulong Lag(MemberState replica, MemberState leader) =>
        GtidPosition.TryParse(leader.BinlogPosition, out var primary) && GtidPosition.TryParse(replica.BinlogPosition, out var applied)
            ? primary.TransactionsBeyond(applied)
            : ulong.MaxValue;
}
