namespace Keel.Bench.Faults;

/// <summary>One thing a fault case does to one member.</summary>
public enum FaultAction
{
    KillServer,
    KillAgent,
    Pause,
    Resume,
    NicDown,
    NicUp,
}

/// <summary>The names operators type for <see cref="FaultAction"/>s (`--fault kill-server=...`).</summary>
public static class FaultActionNames
{
    private static readonly Dictionary<string, FaultAction> ByName = new(StringComparer.Ordinal)
    {
        ["kill-server"] = FaultAction.KillServer,
        ["kill-agent"] = FaultAction.KillAgent,
        ["pause"] = FaultAction.Pause,
        ["resume"] = FaultAction.Resume,
        ["nic-down"] = FaultAction.NicDown,
        ["nic-up"] = FaultAction.NicUp,
    };

    public static IEnumerable<string> All => ByName.Keys;

    public static string Name(FaultAction action) => ByName.Single(kv => kv.Value == action).Key;

    public static bool TryParse(string name, out FaultAction action) => ByName.TryGetValue(name, out action);
}
