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

    /// <summary>SIGKILL to the etcd member that is the raft leader (the member argument is not used).</summary>
    EtcdLeaderKill,

    /// <summary>Everything the etcd leader sends is dropped: its peers and clients no longer hear it.</summary>
    EtcdLeaderCutOff,

    /// <summary>A majority of etcd members killed: etcd takes no reads or writes until they return.</summary>
    EtcdQuorumLoss,

    /// <summary>SIGSTOP to the etcd leader: it keeps its connections and answers nothing (a very slow etcd).</summary>
    EtcdLeaderPause,

    /// <summary>Undoes every etcd fault: restarts killed members, resumes paused ones, reconnects cut-off ones.</summary>
    EtcdHeal,
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
        ["etcd-leader-kill"] = FaultAction.EtcdLeaderKill,
        ["etcd-leader-cut-off"] = FaultAction.EtcdLeaderCutOff,
        ["etcd-quorum-loss"] = FaultAction.EtcdQuorumLoss,
        ["etcd-leader-pause"] = FaultAction.EtcdLeaderPause,
        ["etcd-heal"] = FaultAction.EtcdHeal,
    };

    public static IEnumerable<string> All => ByName.Keys;

    public static string Name(FaultAction action) => ByName.Single(kv => kv.Value == action).Key;

    public static bool TryParse(string name, out FaultAction action) => ByName.TryGetValue(name, out action);
}
