namespace Keel.Core.Decisions;

/// <summary>
/// One tick's outcome: an action and the reason for it as one plain sentence (logged and asserted on). When the
/// decision is to do nothing although nobody holds the leader key, <see cref="Blocker"/> names, in a stable code, what
/// keeps this member from taking over (<see cref="Blockers"/>): operators and tools read it in `keel status`,
/// `/cluster` and the metrics to see why a failover does not fire.
/// </summary>
public sealed record Decision(HaAction Action, string Reason)
{
    public string? Blocker { get; init; }

    public static Decision Nothing(string reason) => new(new HaAction.None(), reason);

    /// <summary>Nothing, because of <paramref name="blocker"/> (one of <see cref="Blockers"/>).</summary>
    public static Decision Blocked(string blocker, string reason) => new(new HaAction.None(), reason) { Blocker = blocker };

    public override string ToString() => $"{Action.GetType().Name}: {Reason}";
}
