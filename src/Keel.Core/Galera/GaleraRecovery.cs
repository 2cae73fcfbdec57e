using System.Globalization;
using Keel.Core.Model;

namespace Keel.Core.Galera;

/// <summary>
/// After a full outage: which node bootstraps. The most advanced one (highest seqno of the cluster's history), and only
/// once every node on the roster has published its position, or the recovery wait has passed for those that have not
/// (a node that may come back may be the most advanced: unknown is not no). Equal seqnos: by name, so that every
/// agent picks the same one.
/// </summary>
public static class GaleraRecovery
{
    public sealed record Choice(string? Bootstrapper, long Seqno, string Reason);

    public static Choice Choose(ClusterView cluster, string self, GaleraState? selfState, DateTimeOffset? noPrimarySince, TimeSpan wait, DateTimeOffset now)
    {
        var roster = (cluster.Roster ?? [.. cluster.Members.Keys]).Append(self).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var known = new Dictionary<string, GaleraState>(StringComparer.Ordinal);
        foreach (var name in roster)
        {
            var state = name == self ? selfState : cluster.Members.GetValueOrDefault(name)?.Galera;
            if (state is { Seqno: >= 0, ClusterUuid: not null })
            {
                known[name] = state;
            }
        }
        var unknown = roster.Where(n => !known.ContainsKey(n)).ToList();
        var waited = noPrimarySince is { } since ? now - since : TimeSpan.Zero;
        if (unknown.Count > 0 && waited < wait)
        {
            return new(null, -1, string.Create(CultureInfo.InvariantCulture,
                $"no node is in a Primary Component; waiting for the position of {string.Join(", ", unknown)} (at most {wait.TotalSeconds:0} s from the outage), because a node that comes back may be the most advanced"));
        }
        if (known.Count == 0)
        {
            return new(null, -1, "no node is in a Primary Component and no node's position is known; `keel galera bootstrap --force MEMBER` can start one, saying what may be lost");
        }
        var histories = known.Values.Select(s => s.ClusterUuid).Distinct(StringComparer.Ordinal).ToList();
        if (histories.Count > 1)
        {
            return new(null, -1, $"no node is in a Primary Component and the nodes hold different cluster histories ({string.Join(", ", known.Select(k => $"{k.Key} {k.Value.ClusterUuid}:{k.Value.Seqno}"))}); refusing to choose: `keel galera bootstrap --force MEMBER`");
        }
        var best = known.OrderByDescending(k => k.Value.Seqno).ThenBy(k => k.Key, StringComparer.Ordinal).First();
        var missing = unknown.Count == 0 ? "" : $"; the recovery wait passed without a position from {string.Join(", ", unknown)}";
        return new(best.Key, best.Value.Seqno ?? -1, string.Create(CultureInfo.InvariantCulture,
            $"{best.Key} holds the most advanced position ({best.Value.ClusterUuid}:{best.Value.Seqno}; {string.Join(", ", known.Where(k => k.Key != best.Key).Select(k => $"{k.Key} {k.Value.Seqno}"))}){missing}"));
    }
}
