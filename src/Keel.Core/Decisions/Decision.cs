namespace Keel.Core.Decisions;

/// <summary>One tick's outcome: an action and the reason for it as one plain sentence (logged and asserted on).</summary>
public sealed record Decision(HaAction Action, string Reason)
{
    public static Decision Nothing(string reason) => new(new HaAction.None(), reason);

    public override string ToString() => $"{Action.GetType().Name}: {Reason}";
}
