using Keel.Core.Model;

namespace Keel.Core.Galera;

/// <summary>
/// Galera mode's policy as one pure function, beside <see cref="Decisions.HaDecider"/>: Galera itself decides what
/// commits (a node outside the Primary Component refuses reads and writes); Keel decides who starts a Primary Component
/// (the first start and a full outage, through one bootstrap key in etcd), who is the single writer (the leader
/// key, so that HAProxy sends writes to one node and certification conflicts do not happen), and when a stopped node
/// joins.
/// </summary>
public static class GaleraDecider
{
    public static GaleraDecision Decide(GaleraSnapshot s, DateTimeOffset now)
    {
        var self = s.Self.Name;
        var cluster = s.Cluster;
        if (cluster is null)
        {
            return GaleraDecision.Nothing("etcd is unreachable; Galera keeps deciding what commits (a node outside the Primary Component refuses reads and writes)");
        }
        if (s.Lease is null || s.Lease.IsLost)
        {
            return GaleraDecision.Nothing("waiting for a new session lease in etcd");
        }
        var holdsWriter = cluster.Leader is { } l && l.Name == self;
        var serves = Serves(s);

        if (s.Server == ServerStatus.Unknown)
        {
            return holdsWriter
                ? new(new GaleraAction.ReleaseWriter(cluster.Leader!.CreateRevision), "gave up the writer key because the local server does not answer")
                : Abandon(s, now) ?? GaleraDecision.Nothing("the local server does not answer yet (a joiner opens its socket after its state transfer)");
        }
        if (holdsWriter && !serves)
        {
            return new(new GaleraAction.ReleaseWriter(cluster.Leader!.CreateRevision),
                $"gave up the writer key because the local node no longer serves ({s.Local?.Summary() ?? "server stopped"})");
        }
        return s.Server == ServerStatus.Running ? DecideRunning(s, serves, holdsWriter, now) : DecideStopped(s, now);
    }

    /// <summary>
    /// Whether the local node serves (clustercheck's rule). A Donor serves when configured, and also when no other node
    /// is Synced: a cluster re-forming after an outage has one Synced node, the donor of every joiner's SST
    /// (mariabackup does not block it), and taking it out would stop all writes for the whole transfer.
    /// </summary>
    public static bool Serves(GaleraSnapshot s)
    {
        if (s.Server != ServerStatus.Running || s.Local is not { Recovered: false } local)
        {
            return false;
        }
        var othersSynced = s.Cluster?.Members.Values.Any(m => m.Name != s.Self.Name && m.GaleraServes(allowDonor: false)) ?? false;
        return local.Serves(s.Options.DonorServes || !othersSynced);
    }

    /// <summary>
    /// A local server outside any Primary Component, with no node serving anywhere, for longer than the join patience:
    /// nothing can bring it in (a joiner started as the last serving node went down, or every node lost the component),
    /// so it is stopped and the full-outage recovery chooses who bootstraps. While any node serves, Galera brings it in
    /// by itself and it is left alone.
    /// </summary>
    private static GaleraDecision? Abandon(GaleraSnapshot s, DateTimeOffset now)
    {
        // Both for the whole patience: a Primary Component lost for a moment (a CPU-starved host misses Galera's
        // keepalives) re-forms by itself, and stopping a joiner then would only restart its state transfer.
        var anyServing = OthersServing(s).Any();
        return !anyServing && s.NoneServingSince is { } none && now - none >= s.Options.JoinPatience
            && s.NotServingSince is { } since && now - since >= s.Options.JoinPatience
            ? new(new GaleraAction.StopServer(), string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"stopped the local server because it has been outside any Primary Component for {(now - since).TotalSeconds:0} s and no node has served for {(now - none).TotalSeconds:0} s, so the full-outage recovery can choose who bootstraps"))
            : null;
    }

    /// <summary>
    /// A running node Disconnected from the group (component of 0) while other nodes serve, for longer than the join
    /// patience: Galera gave up on it ("node restart required", e.g. an IST that failed after an SST) and will not
    /// bring it in by itself, so it is stopped and joins again. A node merely in a non-Primary component is left to
    /// Galera, which merges it back when the network heals.
    /// </summary>
    private static GaleraDecision? Restart(GaleraSnapshot s, DateTimeOffset now)
    {
        var anyServing = OthersServing(s).Any();
        return anyServing && s.Local is { ClusterStatus: "Disconnected" } && s.NotServingSince is { } since && now - since >= s.Options.JoinPatience
            ? new(new GaleraAction.StopServer(), string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"stopped the local server because it has been Disconnected from the group for {(now - since).TotalSeconds:0} s while other nodes serve (Galera gave up on it); it joins again"))
            : null;
    }

    private static GaleraDecision DecideRunning(GaleraSnapshot s, bool serves, bool holdsWriter, DateTimeOffset now)
    {
        var cluster = s.Cluster!;
        var self = s.Self.Name;
        if (!serves)
        {
            return Abandon(s, now) ?? Restart(s, now) ?? GaleraDecision.Nothing($"serves neither reads nor writes: {s.Local?.Summary() ?? "wsrep status unknown"}");
        }
        if (cluster.GaleraBootstrap is { } b && b.Member == self)
        {
            return new(new GaleraAction.DropBootstrapKey(), "deleted the bootstrap key because the bootstrapped node is Synced in the Primary Component");
        }
        if (cluster.GaleraRestartRequested?.Contains(self) == true)
        {
            var notSynced = cluster.Members.Values.Where(m => m.Name != self && !(m.GaleraServes(allowDonor: false)))
                .Select(m => m.Name).ToList();
            var missing = (cluster.Roster ?? []).Where(n => n != self && !cluster.Members.ContainsKey(n)).ToList();
            if (notSynced.Count > 0 || missing.Count > 0 || cluster.Members.Count < 2)
            {
                return GaleraDecision.Nothing($"its rolling restart waits until every other node is Synced ({string.Join(", ", notSynced.Concat(missing).DefaultIfEmpty("no other node"))} is not)");
            }
            if (holdsWriter)
            {
                return new(new GaleraAction.ReleaseWriter(cluster.Leader!.CreateRevision), "gave up the writer key ahead of its rolling restart, so that writes move to another Synced node first");
            }
            return new(new GaleraAction.RestartServer(PreferredDonors(s)), "restarted the local server for the rolling restart; every other node is Synced");
        }
        if (holdsWriter)
        {
            return GaleraDecision.Nothing($"is the writer: {s.Local!.Summary()}");
        }
        return cluster.Leader is { } writer
            ? GaleraDecision.Nothing($"serves reads; {writer.Name} is the writer")
            : new(new GaleraAction.AcquireWriter(), "tried to take the writer key because nobody holds it and this node is Synced in the Primary Component");
    }

    private static GaleraDecision DecideStopped(GaleraSnapshot s, DateTimeOffset now)
    {
        var cluster = s.Cluster!;
        var self = s.Self.Name;
        if (!cluster.IsInitialized)
        {
            return new(new GaleraAction.Bootstrap(NewCluster: true, -1), "tried to start a new Galera cluster from this node because none exists yet");
        }
        var serving = OthersServing(s).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        if (serving.Count > 0 && s.StoppedSince is { } stopped && now - stopped < s.Options.JoinSettle)
        {
            return GaleraDecision.Nothing($"the local server stopped a moment ago; joining {string.Join(", ", serving.Select(m => m.Name))} once their records are surely current");
        }
        var othersRunning = cluster.Members.Values.Count(m => m.Name != self && m.Server == ServerStatus.Running);
        var lingering = serving.Where(m => m.Galera!.ClusterSize > othersRunning).Select(m => m.Name).ToList();
        if (lingering.Count > 0 && s.StoppedSince is { } since && now - since < s.Options.JoinPatience)
        {
            // The old server (killed) stays in their group view until Galera suspects it (evs.suspect_timeout); a new server that
            // joins meanwhile makes the group re-form its view twice, and every commit waits for the view.
            return GaleraDecision.Nothing($"waiting for {string.Join(", ", lingering)} to drop the local node's old server from the group view before joining, so that the view changes once");
        }
        if (serving.Count > 0)
        {
            return new(new GaleraAction.Join([.. serving.Select(m => m.Name)], [.. serving.Select(m => m.ApiUrl)], PreferredDonors(s)),
                $"started the local server to join the Primary Component of {string.Join(", ", serving.Select(m => m.Name))}");
        }
        if (cluster.GaleraBootstrap is { } b && b.Member != self)
        {
            return GaleraDecision.Nothing($"waiting for {b.Member} to bootstrap the Primary Component (from seqno {b.Seqno}), then joining it");
        }
        if (cluster.GaleraForcedBootstrap is { } forced)
        {
            // The operator chose, after `keel galera bootstrap --force` said what may be lost.
            return forced == self
                ? new(new GaleraAction.Bootstrap(NewCluster: false, s.Local?.Seqno ?? -1, Forced: true), "tried to bootstrap the Primary Component from this node because an operator forced it (keel galera bootstrap --force)")
                : GaleraDecision.Nothing($"waiting for {forced} to bootstrap the Primary Component, as an operator forced");
        }
        var running = cluster.Members.Values.Where(m => m.Name != self && m.Server == ServerStatus.Running).Select(m => m.Name).ToList();
        if (running.Count > 0)
        {
            // A running node outside the Primary Component may still re-form one with others (pc.recovery): starting a
            // second history beside it would split the cluster.
            return GaleraDecision.Nothing($"no node is in a Primary Component but {string.Join(", ", running)} still runs; waiting for it to re-form one or stop");
        }
        if (s.Local is not { Recovered: true, Seqno: not null })
        {
            return new(new GaleraAction.RecoverPosition(), "recovered the local position because no node is in a Primary Component; the most advanced node bootstraps");
        }
        var choice = GaleraRecovery.Choose(cluster, self, s.Local, s.NoPrimarySince, s.Options.RecoveryWait, now);
        return choice.Bootstrapper == self
            ? new(new GaleraAction.Bootstrap(NewCluster: false, choice.Seqno), $"tried to bootstrap the Primary Component from this node after a full outage: {choice.Reason}")
            : GaleraDecision.Nothing(choice.Bootstrapper is { } other ? $"{other} bootstraps after the full outage: {choice.Reason}" : choice.Reason);
    }

    /// <summary>The Synced nodes other than the writer, by name: the state transfer's preferred donors.</summary>
    private static List<string> PreferredDonors(GaleraSnapshot s) =>
        [.. s.Cluster!.Members.Values
            .Where(m => m.Name != s.Self.Name && m.Name != s.Cluster.Leader?.Name && m.GaleraServes(allowDonor: false))
            .Select(m => m.Name).Order(StringComparer.Ordinal)];

    /// <summary>The other nodes that serve by their records (a Donor counts: it is in the Primary Component and can take a joiner).</summary>
    private static IEnumerable<MemberState> OthersServing(GaleraSnapshot s) =>
        s.Cluster!.Members.Values.Where(m => m.Name != s.Self.Name && m.GaleraServes(allowDonor: true));
}
