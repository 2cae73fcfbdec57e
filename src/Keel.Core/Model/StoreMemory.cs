namespace Keel.Core.Model;

/// <summary>
/// What an agent remembers about the store on its own disk, to notice when etcd lost its state: came back empty (wiped
/// or replaced) or restored from an older snapshot. <see cref="Initialized"/>: this member has seen the cluster
/// initialized. <see cref="HighestRevision"/>: the highest etcd revision it has read; etcd's revision never goes back,
/// so a read below it means the store is an older copy. <see cref="StaleAtOrBelow"/>: keys created at or below this
/// revision came from that older copy (0: none), so a leader key among them names a leader from the past.
/// </summary>
public sealed record StoreMemory(bool Initialized, long HighestRevision, long StaleAtOrBelow)
{
    public static readonly StoreMemory Nothing = new(false, 0, 0);

    /// <summary>The memory after one successful read of the cluster's keys.</summary>
    public StoreMemory Observe(ClusterView view)
    {
        if (view.Revision <= 0)
        {
            return this;
        }
        var rewound = view.Revision < HighestRevision;
        return new StoreMemory(
            Initialized || view.IsInitialized,
            rewound ? view.Revision : Math.Max(HighestRevision, view.Revision),
            rewound ? view.Revision : StaleAtOrBelow);
    }

    /// <summary>True when <paramref name="leader"/> was created before the store went back in time.</summary>
    public bool IsStale(LeaderRecord leader) => StaleAtOrBelow > 0 && leader.CreateRevision <= StaleAtOrBelow;
}
