namespace Keel.Network;

/// <summary>
/// Builds and tears down the links and namespaces of one lab (the guard route and state file are the caller's,
/// handled under the lab lock). Teardown is idempotent and keeps going past failures, so it also finishes a lab
/// that a crash or an earlier teardown left half-built.
/// </summary>
internal static class LabTopology
{
    public static async Task BuildAsync(NetworkLabState state, CancellationToken ct)
    {
        var bridge = state.Bridge;
        await Ip.RunCheckedAsync(ct, "link", "add", bridge, "type", "bridge");
        // No IPv6 link-local addresses on lab links: the lab is IPv4 only, and this keeps router solicitations and
        // DAD chatter off the bridge.
        await Ip.RunCheckedAsync(ct, "link", "set", bridge, "addrgenmode", "none");
        await Ip.RunCheckedAsync(ct, "addr", "add", state.SwitchAddress + "/24", "dev", bridge);
        await Ip.RunCheckedAsync(ct, "link", "set", bridge, "up");
        foreach (var h in state.Hosts)
        {
            await Ip.RunCheckedAsync(ct, "netns", "add", h.Namespace);
            // The peer is created directly inside the namespace, so it can be called eth0 there without clashing
            // with the root namespace's eth0.
            await Ip.RunCheckedAsync(ct, "link", "add", h.HostInterface, "type", "veth", "peer", "name", h.NamespaceInterface, "netns", h.Namespace);
            await Ip.RunCheckedAsync(ct, "link", "set", h.HostInterface, "addrgenmode", "none");
            await Ip.RunCheckedAsync(ct, "link", "set", h.HostInterface, "master", bridge);
            await Ip.RunCheckedAsync(ct, "link", "set", h.HostInterface, "up");
            await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "link", "set", h.NamespaceInterface, "addrgenmode", "none");
            await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "addr", "add", h.Address + "/24", "dev", h.NamespaceInterface);
            await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "link", "set", "lo", "up");
            await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "link", "set", h.NamespaceInterface, "up");
            // Deliberately no default route: a host can reach the lab subnet and its own loopback, nothing else.
        }
    }

    /// <summary>Stops the lab's processes, deletes veths, bridge and namespaces. Returns what could not be undone.</summary>
    public static async Task<IReadOnlyList<string>> TeardownAsync(NetworkLabState state, IEnumerable<LabProcess> extraProcesses, CancellationToken ct)
    {
        var problems = new List<string>();
        var tracked = state.Processes.Concat(extraProcesses).Select(p => (p.Pid, p.StartTime));
        await StopAsync(tracked, problems);

        var existing = (await Ip.NamespacesAsync(ct)).ToHashSet();
        var namespaces = state.Hosts.Select(h => h.Namespace).Where(existing.Contains).ToList();
        await StopEverythingInAsync(namespaces, problems, ct);

        // Deleting the root side of a veth deletes both ends at once; relying on namespace deletion instead would
        // leave the root side around until the kernel's asynchronous namespace cleanup gets to it.
        foreach (var h in state.Hosts)
        {
            await DeleteAsync(problems, ct, "link", "del", h.HostInterface);
        }
        await DeleteAsync(problems, ct, "link", "del", state.Bridge);
        foreach (var ns in namespaces)
        {
            await DeleteAsync(problems, ct, "netns", "del", ns);
        }
        return problems;
    }

    /// <summary>
    /// Kills whatever still runs inside the namespaces: children of tracked processes, or things started with
    /// <see cref="NetworkLab.ExecPrefix"/>. They are ours by construction (only our code enters these namespaces),
    /// and while they live the namespace and its veth would outlive `ip netns del`.
    /// </summary>
    public static async Task StopEverythingInAsync(IEnumerable<string> namespaces, List<string> problems, CancellationToken ct)
    {
        var targets = new List<(int, long)>();
        foreach (var ns in namespaces)
        {
            foreach (var pid in await Ip.PidsInAsync(ns, ct))
            {
                if (pid != Environment.ProcessId && ProcessIdentity.StartTimeOf(pid) is { } start)
                {
                    targets.Add((pid, start));
                }
            }
        }
        await StopAsync(targets, problems);
    }

    private static async Task StopAsync(IEnumerable<(int Pid, long StartTime)> targets, List<string> problems)
    {
        var survivors = await ProcessKiller.StopAsync(targets, ProcessKiller.Grace);
        problems.AddRange(survivors.Select(s => $"process {s.Pid} survived SIGKILL"));
    }

    private static async Task DeleteAsync(List<string> problems, CancellationToken ct, params string[] args)
    {
        try
        {
            var r = await Ip.RunAsync(ct, args);
            if (!Ip.AlreadyGone(r))
            {
                problems.Add(r.Describe());
            }
        }
        catch (TimeoutException e)
        {
            problems.Add(e.Message);
        }
    }
}
