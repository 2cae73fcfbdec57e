using Keel.Core.Model;

namespace Keel.Bench;

/// <summary>When the benchmark counts a cluster as healthy between faults.</summary>
public static class ClusterHealth
{
    /// <summary>Null when a writable primary leads and every other expected member streams from it, else what is missing.</summary>
    public static string? Problem(ClusterView view, IReadOnlyCollection<string> members)
    {
        var missing = members.Where(m => !view.Members.ContainsKey(m)).ToList();
        if (missing.Count > 0)
        {
            return $"no member key for {string.Join(", ", missing)}";
        }
        if (view.Leader is not { } leader)
        {
            return "no primary";
        }
        if (!view.Members.TryGetValue(leader.Name, out var p) || p.ReadOnly != false)
        {
            return $"{leader.Name} leads but is not writable yet";
        }
        var lagging = members.Where(m => m != leader.Name)
            .Where(m => view.Members[m] is var r && !(r.Server == ServerStatus.Running && r.IoRunning && r.SqlRunning && r.Following == leader.Name))
            .ToList();
        return lagging.Count == 0 ? null : $"{string.Join(", ", lagging)} not streaming from {leader.Name}";
    }
}
