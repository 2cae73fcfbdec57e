using Keel.Core.Model;

namespace Keel.Core.Status;

/// <summary>One row of <c>keel status</c>.</summary>
public sealed record MemberRow(
    string Member,
    string Address,
    string Role,
    string State,
    long? LagSeconds,
    string Gtid,
    bool? SemiSync,
    string? ApiUrl,
    int? AgentPid,
    int? ServerPid)
{
    /// <summary>Keel's own lag measure (<see cref="MemberState.MeasuredLagSeconds"/>), shown in place of <see cref="LagSeconds"/> when known.</summary>
    public double? MeasuredLagSeconds { get; init; }
}

/// <summary>One member's reason for not taking over while there is no primary (<see cref="Decisions.Blockers"/>).</summary>
public sealed record MemberBlocker(string Member, string Code, string Reason);

/// <summary>
/// The status table and the warnings under it, as <c>repmgr cluster show</c> and <c>patronictl list</c> do; notes are
/// facts that need no action (old datadirs Keel keeps).
/// </summary>
public sealed record ClusterStatus(string Cluster, string? Leader, IReadOnlyList<MemberRow> Rows, IReadOnlyList<string> Warnings)
{
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>While nobody holds the leader key: what keeps each member from taking over (machine-readable codes).</summary>
    public IReadOnlyList<MemberBlocker> Blockers { get; init; } = [];

    /// <summary>
    /// Builds the table from what etcd holds. <paramref name="expected"/> names members that should exist (from a
    /// playground or config); one without a member key is shown as unreachable, like repmgr's "? unreachable".
    /// </summary>
    public static ClusterStatus From(string cluster, ClusterView view, IEnumerable<(string Name, string Address)> expected)
    {
        var leader = view.Leader?.Name;
        var rows = new List<MemberRow>();
        var warnings = new List<string>();
        var notes = new List<string>();
        var names = view.Members.Keys.Union(expected.Select(e => e.Name)).Order(StringComparer.Ordinal);
        var expectedAddress = expected.ToDictionary(e => e.Name, e => e.Address, StringComparer.Ordinal);

        if (view.Paused)
        {
            warnings.Add("Maintenance mode: the cluster is paused, agents take no automatic action (keel resume)");
        }
        if (view.Request is { } request)
        {
            warnings.Add($"a {(request.Kind == RequestKind.Switchover ? "switchover" : "forced failover")} to {request.To} is in progress ({request.Phase})");
        }
        if (!view.IsInitialized)
        {
            warnings.Add("the cluster is not initialized yet");
        }
        else if (leader is null)
        {
            warnings.Add("nobody holds the leader key: there is no primary right now");
        }
        var blockers = leader is null
            ? view.Members.Values.Where(m => m.Blocked is not null).OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new MemberBlocker(m.Name, m.Blocked!.Code, m.Blocked.Reason)).ToList()
            : [];
        foreach (var b in blockers)
        {
            warnings.Add($"{b.Member} does not take over ({b.Code}): {b.Reason}");
        }

        foreach (var name in names)
        {
            if (!view.Members.TryGetValue(name, out var m))
            {
                rows.Add(new MemberRow(name, expectedAddress.GetValueOrDefault(name, "?"), "?", "unreachable", null, "", null, null, null, null));
                warnings.Add($"unable to reach the agent of {name}: its member key has expired (agent down or cut off from etcd)");
                continue;
            }
            if (m.Activity is { } activity)
            {
                notes.Add($"{name}: {activity}");
            }
            if (m.OldDataDirs is { Count: > 0 } old)
            {
                notes.Add($"{name} keeps {old.Count} old datadir(s) moved aside by re-clones (`keel reinit {name} --purge-old` removes them): {string.Join(", ", old)}");
            }
            warnings.AddRange(DiskWarnings(m));
            var isLeader = name == leader;
            if (m.Galera is { } galera)
            {
                rows.Add(GaleraRow(m, galera, isLeader, notes, warnings));
                continue;
            }
            var (role, state) = Classify(m, isLeader, view, out var problem);
            if (problem is not null)
            {
                warnings.Add($"{name} {problem}");
            }
            var gtid = m.Role == MemberRole.Replica && m.ReceivedPosition.Length > 0 ? m.ReceivedPosition : m.BinlogPosition;
            rows.Add(new MemberRow(name, $"{m.Host}:{m.Port}", role, state, m.LagSeconds, gtid, m.SemiSync, m.ApiUrl, m.AgentPid, m.ServerPid) { MeasuredLagSeconds = m.MeasuredLagSeconds });
        }
        if (view.LastBackup is { Succeeded: false } failed)
        {
            warnings.Add($"the last backup did not succeed ({failed.At:yyyy-MM-dd HH:mm:ss} UTC): {failed.Message}");
        }
        if (view.Archive is { } archive)
        {
            notes.Add(archive.Describe());
            if (archive.Problem is { } trouble)
            {
                warnings.Add($"the binlog archiver on {archive.Member} has a problem: {trouble}");
            }
            else if (archive.SecondsBehind > Backup.Archive.ArchiveStatus.WarnBehind.TotalSeconds)
            {
                warnings.Add($"the binlog archive is {archive.SecondsBehind:0} s behind the primary: a restore to now would miss that much");
            }
        }
        if (leader is not null && view.Members.TryGetValue(leader, out var p) && p.SemiSync == false)
        {
            warnings.Add($"semi-sync is not active on the primary {leader}: commits are waiting for a replica acknowledgement");
        }
        return new ClusterStatus(cluster, leader, rows, warnings) { Notes = notes, Blockers = blockers };
    }

    private static (string Role, string State) Classify(MemberState m, bool isLeader, ClusterView view, out string? problem)
    {
        problem = null;
        switch (m.Server)
        {
            case ServerStatus.Stopped:
                problem = "has no running server (its agent is restarting it)";
                return (isLeader ? "primary" : "replica", "stopped");
            case ServerStatus.Unknown:
                problem = $"does not answer its agent's probe: {m.LastError}";
                return ("?", "unknown");
        }
        if (isLeader)
        {
            if (m.ReadOnly != false)
            {
                problem = "holds the leader key but is still read-only (promotion in progress)";
                return ("primary", "promoting");
            }
            return ("primary", "running");
        }
        if (m.ReadOnly == false)
        {
            problem = "is writable but does not hold the leader key";
            return ("primary?", "writable");
        }
        var leader = view.Leader?.Name;
        if (m.IoRunning && m.SqlRunning && leader is not null && m.Following == leader)
        {
            return ("replica", "streaming");
        }
        problem = m.LastError is { Length: > 0 } e
            ? $"is not replicating from the primary: {e}"
            : leader is null ? "is waiting for a primary" : $"is not replicating from the primary {leader} yet";
        return ("replica", "not replicating");
    }

    /// <summary>Free space under a threshold, space that cannot be read, and retention's warnings about binlogs members still need.</summary>
    private static IEnumerable<string> DiskWarnings(MemberState m)
    {
        switch (m.Disk)
        {
            case { Level: Disk.DiskLevel.Critical } d:
                yield return $"{m.Name}'s disk is critically full: {d.Describe()}; it is never promoted, and as primary it hands over to a member with space";
                break;
            case { Level: Disk.DiskLevel.Low } d:
                yield return $"{m.Name}'s disk is getting full: {d.Describe()}";
                break;
            case { Error: { } error }:
                yield return $"{m.Name}'s free disk space cannot be read: {error}";
                break;
        }
        if (m.Binlogs?.Warnings is { } binlogs)
        {
            yield return $"{m.Name}: {binlogs}";
        }
    }

    /// <summary>
    /// A Galera node: the writer key holder is the writer, every other node a reader; the state is wsrep's
    /// (Synced, Donor/Desynced, Joining, ...), the position its seqno; a note per node gives the component, its size and
    /// flow control, and a node that serves nothing is a warning.
    /// </summary>
    private static MemberRow GaleraRow(MemberState m, Galera.GaleraState g, bool isWriter, List<string> notes, List<string> warnings)
    {
        var running = m.Server == ServerStatus.Running && !g.Recovered;
        var state = !running ? m.Server.ToString().ToLowerInvariant()
            : g.InPrimaryComponent ? g.LocalStateComment ?? "?"
            : $"{g.LocalStateComment ?? "?"} ({g.ClusterStatus ?? "no component"})";
        if (running)
        {
            notes.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{m.Name}: wsrep {g.LocalStateComment}, {g.ClusterStatus} component of {g.ClusterSize}, seqno {g.Seqno}, flow control paused {g.FlowControlPaused ?? 0:0.###}"));
        }
        if (!running || !g.Serves(false))
        {
            warnings.Add($"{m.Name} serves neither reads nor writes: {g.Describe()}");
        }
        return new MemberRow(m.Name, $"{m.Host}:{m.Port}", isWriter ? "writer" : "reader", state, null,
            g.Seqno is { } seqno ? $"seqno {seqno}" : "", null, m.ApiUrl, m.AgentPid, m.ServerPid);
    }
}
