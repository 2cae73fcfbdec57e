using Keel.Os;

namespace Keel.Network;

/// <summary>Fault injection: always on the namespace side, never on the root side (see test-hosts.md, rule 3).</summary>
public sealed partial class NetworkLab
{
    // Two rules per isolated host, tagged so that Heal removes exactly these and nothing a test added itself.
    private static readonly string[][] IsolationRules =
    [
        ["INPUT", "!", "-i", "lo", "-m", "comment", "--comment", "keel-isolate", "-j", "DROP"],
        ["OUTPUT", "!", "-o", "lo", "-m", "comment", "--comment", "keel-isolate", "-j", "DROP"],
    ];

    /// <summary>
    /// Takes the host's NIC down inside its namespace. The kernel removes the host's subnet route there; from
    /// outside, its address stops answering (ARP fails, "no route to host" after about 3 s, or a timeout).
    /// </summary>
    public async Task NicDownAsync(string name, CancellationToken ct)
    {
        var h = Host(name);
        await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "link", "set", h.NamespaceInterface, "down");
    }

    /// <summary>Brings the NIC back; re-adds the address and the subnet route if they did not come back with it.</summary>
    public async Task NicUpAsync(string name, CancellationToken ct)
    {
        var h = Host(name);
        // The root side is never cut by this class, but make sure: Heal must restore a working link whatever happened.
        await Ip.RunCheckedAsync(ct, "link", "set", h.HostInterface, "up");
        await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "link", "set", h.NamespaceInterface, "up");
        var addrs = await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "-4", "-o", "addr", "show", "dev", h.NamespaceInterface);
        if (!addrs.StdOut.Contains($"inet {h.Address}/24 ", StringComparison.Ordinal))
        {
            await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "addr", "add", h.Address + "/24", "dev", h.NamespaceInterface);
        }
        var routes = await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "-4", "route", "show", "dev", h.NamespaceInterface);
        if (!routes.StdOut.Contains(Subnet, StringComparison.Ordinal))
        {
            await Ip.RunCheckedAsync(ct, "-n", h.Namespace, "route", "add", Subnet, "dev", h.NamespaceInterface, "proto", "kernel", "scope", "link", "src", h.Address);
        }
    }

    /// <summary>
    /// Partitions the host: iptables inside its namespace drops everything in and out except loopback. The NIC
    /// stays up (ARP still answers), so peers see timeouts, as with a broken switch port rather than a dead NIC.
    /// </summary>
    public async Task IsolateAsync(string name, CancellationToken ct)
    {
        var h = Host(name);
        foreach (var rule in IsolationRules)
        {
            if (!await HasRuleAsync(h.Namespace, rule, ct))
            {
                await CheckedAsync(Ip.IptablesAsync(h.Namespace, ct, ["-I", rule[0], "1", .. rule[1..]]));
            }
        }
    }

    /// <summary>
    /// Slows what the host sends to <paramref name="megabits"/> Mbit/s with a token bucket (tc tbf) on its NIC, inside
    /// its namespace: a slow or mis-negotiated port. Only the host's outgoing direction is slowed, so the link is
    /// asymmetric, as a duplex mismatch is. (netem is not available on this kind of machine; tbf is.)
    /// </summary>
    public async Task ShapeAsync(string name, int megabits, CancellationToken ct)
    {
        var h = Host(name);
        await ExternalCommand.RunCheckedAsync(
            ["ip", "netns", "exec", h.Namespace, ExternalPrograms.Path("tc"), "qdisc", "replace", "dev", h.NamespaceInterface, "root",
             "tbf", "rate", $"{megabits}mbit", "burst", "32kbit", "latency", "400ms"], ExternalCommand.DefaultTimeout, ct);
    }

    /// <summary>Removes a host's shaping (nothing to do when there is none).</summary>
    public async Task UnshapeAsync(string name, CancellationToken ct)
    {
        var h = Host(name);
        var r = await ExternalCommand.RunAsync(
            ["ip", "netns", "exec", h.Namespace, ExternalPrograms.Path("tc"), "qdisc", "del", "dev", h.NamespaceInterface, "root"], ExternalCommand.DefaultTimeout, ct);
        if (!r.Ok && !r.StdErr.Contains("No such file or directory", StringComparison.Ordinal) && !r.StdErr.Contains("Cannot delete qdisc with handle of zero", StringComparison.Ordinal))
        {
            throw new NetworkLabException($"tc qdisc del on {name} failed: {r.StdErr.Trim()}");
        }
    }

    /// <summary>Every host: NIC up, shaping and isolation rules gone.</summary>
    public async Task HealAsync(CancellationToken ct)
    {
        foreach (var h in Hosts)
        {
            await NicUpAsync(h.Name, ct);
            await UnshapeAsync(h.Name, ct);
            foreach (var rule in IsolationRules)
            {
                // Bounded: Isolate never inserts a rule twice, so one pass normally suffices.
                for (var i = 0; i < 10 && await HasRuleAsync(h.Namespace, rule, ct); i++)
                {
                    await CheckedAsync(Ip.IptablesAsync(h.Namespace, ct, ["-D", .. rule]));
                }
            }
        }
    }

    /// <summary>True when the namespace has the rule (iptables -C exits 1 when it does not, 2+ on real errors).</summary>
    private static async Task<bool> HasRuleAsync(string ns, string[] rule, CancellationToken ct)
    {
        var r = await Ip.IptablesAsync(ns, ct, ["-C", .. rule]);
        return r.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw new NetworkLabException(r.Describe()),
        };
    }

    private static async Task CheckedAsync(Task<CommandResult> run)
    {
        var r = await run;
        if (!r.Ok)
        {
            throw new NetworkLabException(r.Describe());
        }
    }
}
