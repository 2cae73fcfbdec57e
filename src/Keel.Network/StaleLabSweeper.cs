namespace Keel.Network;

/// <summary>
/// Removes what interrupted runs left behind: labs whose owner process is gone (per their state file) and any
/// namespace, bridge, veth or guard route with our prefixes that no live lab claims. Runs with the lab lock held,
/// so a lab being built by another process (whose state file is written first) is never mistaken for debris.
/// </summary>
internal static class StaleLabSweeper
{
    /// <summary>Returns a line per thing removed, for logs.</summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        var removed = new List<string>();
        var problems = new List<string>();
        var states = LabStateStore.ReadAll();
        var live = states.Where(s => s.OwnerAlive).ToList();
        var liveRuns = live.Select(s => s.RunId).ToHashSet();
        var liveOctets = live.Select(s => s.SubnetOctet).ToHashSet();

        foreach (var dead in states.Where(s => !s.OwnerAlive))
        {
            // The state file knows the lab's processes by pid and start time: stop those first (they may have left
            // the namespace's name behind already if an earlier teardown got half-way).
            problems.AddRange(await LabTopology.TeardownAsync(dead, [], ct));
            LabStateStore.Delete(dead.RunId);
            removed.Add($"lab {dead.RunId} (owner pid {dead.OwnerPid} is gone)");
        }

        var orphanNamespaces = (await Ip.NamespacesAsync(ct))
            .Where(n => LabNames.RunIdOfNamespace(n) is { } id && !liveRuns.Contains(id))
            .ToList();
        await LabTopology.StopEverythingInAsync(orphanNamespaces, problems, ct);

        foreach (var ifname in await Ip.InterfacesAsync(ct))
        {
            if (LabNames.RunIdOfInterface(ifname) is { } id && !liveRuns.Contains(id))
            {
                var r = await Ip.RunAsync(ct, "link", "del", ifname);
                Note(r, $"interface {ifname}", removed, problems);
            }
        }
        foreach (var ns in orphanNamespaces)
        {
            var r = await Ip.RunAsync(ct, "netns", "del", ns);
            Note(r, $"namespace {ns}", removed, problems);
        }
        foreach (var guard in await GuardRoute.ListAsync(ct))
        {
            if (!liveOctets.Contains(guard.Octet))
            {
                await GuardRoute.RemoveAsync(guard, ct);
                removed.Add($"guard route unreachable {LabNames.Subnet(guard.Octet)}");
            }
        }
        RemoveAbandonedTempFiles();
        if (problems.Count > 0)
        {
            throw new NetworkLabException("could not remove the leftovers of earlier network labs: " + string.Join("; ", problems));
        }
        return removed;
    }

    /// <summary>A writer that died between write and rename leaves "RUN.json.PID.tmp"; nobody else will rename it.</summary>
    private static void RemoveAbandonedTempFiles()
    {
        if (!Directory.Exists(LabStateStore.Directory))
        {
            return;
        }
        foreach (var tmp in Directory.EnumerateFiles(LabStateStore.Directory, "*.tmp"))
        {
            if (File.GetLastWriteTimeUtc(tmp) < DateTime.UtcNow - TimeSpan.FromMinutes(1))
            {
                File.Delete(tmp);
            }
        }
    }

    private static void Note(CommandResult r, string what, List<string> removed, List<string> problems)
    {
        if (r.Ok)
        {
            removed.Add(what);
        }
        else if (!Ip.AlreadyGone(r))
        {
            problems.Add(r.Describe());
        }
    }
}
