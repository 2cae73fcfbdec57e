using Keel.Core.Model;

namespace Keel.Bench;

/// <summary>When the benchmark counts a cluster as healthy between faults, in either mode.</summary>
public static class ClusterHealth
{
    /// <summary>
    /// Galera mode, read from the records: every Galera agent publishes its node's wsrep state (or its recovered
    /// position while stopped), a replication agent never does.
    /// </summary>
    public static bool IsGalera(ClusterView view) => view.Members.Values.Any(m => m.Galera is not null);

    /// <summary>
    /// Null when a writable primary leads and every other expected member streams from it (Galera: the writer key is
    /// held and every node is Synced in the Primary Component), else what is missing.
    /// </summary>
    public static string? Problem(ClusterView view, IReadOnlyCollection<string> members)
    {
        var missing = members.Where(m => !view.Members.ContainsKey(m)).ToList();
        if (missing.Count > 0)
        {
            return $"no member key for {string.Join(", ", missing)}";
        }
        if (view.Leader is not { } leader)
        {
            return IsGalera(view) ? "no writer" : "no primary";
        }
        if (!Writable(view, leader.Name))
        {
            return $"{leader.Name} leads but is not writable yet";
        }
        var lagging = members.Where(m => m != leader.Name && !InStep(view, m)).ToList();
        return lagging.Count == 0 ? null
            : IsGalera(view) ? $"{string.Join(", ", lagging)} not Synced in the Primary Component"
            : $"{string.Join(", ", lagging)} not streaming from {leader.Name}";
    }

    /// <summary>The member takes writes: its server is writable (replication), or it serves by clustercheck's rule (Galera).</summary>
    public static bool Writable(ClusterView view, string member) =>
        view.Members.TryGetValue(member, out var m) && (m.Galera is not null ? m.GaleraServes(allowDonor: false) : m.ReadOnly == false);

    /// <summary>A non-writer is back in step: streaming from the leader (replication), or Synced in the Primary Component (Galera).</summary>
    public static bool InStep(ClusterView view, string member) =>
        view.Members.TryGetValue(member, out var m) && m.Server == ServerStatus.Running
        && (m.Galera is not null ? m.GaleraServes(allowDonor: false) : m.IoRunning && m.SqlRunning && m.Following == view.Leader?.Name);
}
