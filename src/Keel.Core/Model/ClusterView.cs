using System.Collections.Immutable;

namespace Keel.Core.Model;

/// <summary>The cluster as read from etcd at the start of a tick.</summary>
public sealed record ClusterView(
    string? InitializedBy,
    LeaderRecord? Leader,
    ImmutableDictionary<string, MemberState> Members,
    bool Paused = false,
    ClusterRequest? Request = null)
{
    public bool IsInitialized => InitializedBy is not null;
}
