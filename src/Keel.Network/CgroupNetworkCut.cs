namespace Keel.Network;

/// <summary>
/// Cuts the processes of one cgroup (v2) off the network, on any interface loopback included: an iptables rule in
/// the root namespace's OUTPUT chain drops every packet their sockets send, so nothing they say reaches anyone and no
/// connection to or from them completes. This is how a test cuts one etcd member off its peers and clients when every
/// member listens on 127.0.0.1 (ports alone cannot tell a member's outgoing connections apart). Sockets belong to the
/// cgroup they were created in, so the process must start inside it (see EtcdServerOptions.Cgroup).
/// </summary>
public static class CgroupNetworkCut
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Where cgroup v2 is mounted (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones); null without one.</summary>
    public static string? Cgroup2Root()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mounts"))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2 && fields[2] == "cgroup2")
                {
                    return fields[1];
                }
            }
        }
        catch (IOException)
        {
            // No /proc: no cgroups either.
        }

        return null;
    }

    /// <summary>A cgroup directory for <paramref name="relative"/> ("keel/playground-3400/e1"), or null without cgroup v2.</summary>
    public static string? PathFor(string relative) => Cgroup2Root() is { } root ? Path.Combine(root, relative) : null;

    /// <summary>Drops everything the processes of <paramref name="cgroupDir"/> send, until <see cref="RestoreAsync"/>.</summary>
    public static async Task CutAsync(string cgroupDir, CancellationToken ct)
    {
        if (!await HasRuleAsync(cgroupDir, ct))
        {
            await ExternalCommand.RunCheckedAsync(Iptables("-I", cgroupDir), Timeout, ct);
        }
    }

    /// <summary>Removes the rule <see cref="CutAsync"/> added (every copy of it); harmless when there is none.</summary>
    public static async Task RestoreAsync(string cgroupDir, CancellationToken ct)
    {
        while (await HasRuleAsync(cgroupDir, ct))
        {
            await ExternalCommand.RunCheckedAsync(Iptables("-D", cgroupDir), Timeout, ct);
        }
    }

    /// <summary>iptables -C exits 0 when the rule exists, 1 when it does not, and 2 or more on a real error.</summary>
    private static async Task<bool> HasRuleAsync(string cgroupDir, CancellationToken ct)
    {
        var r = await ExternalCommand.RunAsync(Iptables("-C", cgroupDir), Timeout, ct);
        return r.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw new NetworkLabException(r.Describe()),
        };
    }

    /// <summary>The match takes the path below the cgroup v2 root.</summary>
    private static string[] Rule(string cgroupDir)
    {
        var root = Cgroup2Root() ?? throw new NetworkLabException("cutting a process off the network needs cgroup v2, and none is mounted");
        var relative = "/" + Path.GetRelativePath(root, cgroupDir);
        return ["-m", "cgroup", "--path", relative, "-j", "DROP"];
    }

    private static string[] Iptables(string operation, string cgroupDir) => ["iptables", "-w", "5", operation, "OUTPUT", .. Rule(cgroupDir)];
}
