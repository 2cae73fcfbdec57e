namespace Keel.Core.Model;

/// <summary>What an operator asked for through the CLI or the REST API.</summary>
public enum RequestKind
{
    /// <summary>Planned, lossless: the primary stops writes, the target catches up, then takes over.</summary>
    Switchover,
    /// <summary>Forced promotion of a named member when there is no healthy primary; may lose transactions.</summary>
    Failover,
}

/// <summary>How far a request has come: asked for, then handed over by the primary (intent, then fact).</summary>
public enum RequestPhase
{
    Requested,
    HandedOver,
}

/// <summary>
/// The one pending operator request (etcd key <c>request</c>). Agents act on it; the CLI and the API only write it.
/// <see cref="From"/> is the primary when it was asked; a request whose primary has changed is void.
/// </summary>
public sealed record ClusterRequest(
    RequestKind Kind,
    string? From,
    string To,
    RequestPhase Phase,
    DateTimeOffset At,
    string? Position = null)
{
    /// <summary>A request that has not completed within this time is void, so a lost request never blocks the cluster.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public bool IsLive(DateTimeOffset now) => now - At < Lifetime;
}
