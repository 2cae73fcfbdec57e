using System.Globalization;
using Keel.Core.Model;

namespace Keel.Core.Galera;

/// <summary>What the operator's Galera commands may do, checked against the cluster before anything is written.</summary>
public static class GaleraRequests
{
    /// <summary>
    /// `keel galera bootstrap --force MEMBER`: refused while any node serves (there is a Primary Component to join)
    /// or another bootstrap is under way; otherwise it says what may be lost: every node ahead of MEMBER, by how many
    /// write sets, and every node whose position is unknown. Without <paramref name="force"/> it only says so.
    /// </summary>
    public static (bool Accepted, string Message) PlanForcedBootstrap(ClusterView view, string member, bool force)
    {
        var serving = view.Members.Values.Where(m => m.GaleraServes(allowDonor: true)).Select(m => m.Name).ToList();
        if (serving.Count > 0)
        {
            return (false, $"{string.Join(", ", serving)} serves in a Primary Component: there is nothing to bootstrap (a stopped node joins it by itself)");
        }
        if (view.GaleraBootstrap is { } b)
        {
            return (false, $"{b.Member} is bootstrapping already (from seqno {b.Seqno})");
        }
        var roster = (view.Roster ?? [.. view.Members.Keys]).ToList();
        if (!roster.Contains(member))
        {
            return (false, $"{member} is not a member of the cluster");
        }
        var chosen = view.Members.GetValueOrDefault(member)?.Galera;
        var risks = new List<string>();
        foreach (var name in roster.Where(n => n != member).Order(StringComparer.Ordinal))
        {
            var other = view.Members.GetValueOrDefault(name)?.Galera;
            if (other?.Seqno is not { } theirs || theirs < 0 || chosen?.Seqno is not { } ours || ours < 0)
            {
                risks.Add($"{name}'s position is unknown{(chosen?.Seqno is null or < 0 ? $" (and so is {member}'s)" : "")}: it may hold write sets {member} lacks");
            }
            else if (other.ClusterUuid != chosen.ClusterUuid)
            {
                risks.Add($"{name} holds another cluster history ({other.ClusterUuid}:{theirs}): it will need a full state transfer and its own history is lost");
            }
            else if (theirs > ours)
            {
                risks.Add(string.Create(CultureInfo.InvariantCulture, $"{name} is at seqno {theirs}, {theirs - ours} write set(s) ahead of {member} (seqno {ours}): they would be lost"));
            }
        }
        var loss = risks.Count == 0 ? $"{member} is at least as advanced as every other node: nothing is lost" : string.Join("; ", risks);
        return force
            ? (true, $"forced bootstrap of {member} requested: {loss}")
            : (false, $"a forced bootstrap of {member} is not checked for safety by design; {loss}. Repeat with --force to go ahead");
    }

    /// <summary>
    /// `keel galera rolling-restart`: one node at a time, readers first and the writer last, each back to Synced before
    /// the next (the disruption budget: never two nodes out). Refused while any node is not Synced.
    /// </summary>
    public static (IReadOnlyList<string>? Order, string Message) PlanRollingRestart(ClusterView view)
    {
        var roster = (view.Roster ?? [.. view.Members.Keys]).Order(StringComparer.Ordinal).ToList();
        var notSynced = roster.Where(n => !(view.Members.TryGetValue(n, out var m) && m.GaleraServes(allowDonor: false))).ToList();
        if (notSynced.Count > 0)
        {
            return (null, $"refused: {string.Join(", ", notSynced)} is not Synced in the Primary Component, and a rolling restart takes one node out at a time only from a whole cluster");
        }
        if (roster.Count < 2)
        {
            return (null, "refused: a single node cannot be restarted without an outage");
        }
        var writer = view.Leader?.Name;
        var order = roster.Where(n => n != writer).Append(writer).OfType<string>().ToList();
        return (order, $"rolling restart: {string.Join(", then ", order)}, each back to Synced before the next");
    }
}
