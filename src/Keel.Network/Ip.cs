using Keel.Os;

namespace Keel.Network;

/// <summary>The `ip` and `iptables` invocations a lab needs, each with the default time limit.</summary>
internal static class Ip
{
    public static Task<CommandResult> RunAsync(CancellationToken ct, params string[] args) =>
        ExternalCommand.RunAsync(["ip", .. args], ExternalCommand.DefaultTimeout, ct);

    public static Task<CommandResult> RunCheckedAsync(CancellationToken ct, params string[] args) =>
        ExternalCommand.RunCheckedAsync(["ip", .. args], ExternalCommand.DefaultTimeout, ct);

    /// <summary>iptables inside a namespace; -w waits for the xtables lock instead of failing at once.</summary>
    public static Task<CommandResult> IptablesAsync(string ns, CancellationToken ct, params string[] args) =>
        ExternalCommand.RunAsync(["ip", "netns", "exec", ns, ExternalPrograms.Path("iptables"), "-w", "5", .. args], ExternalCommand.DefaultTimeout, ct);

    /// <summary>Names from `ip netns list` ("name (id: 3)" or just "name").</summary>
    public static async Task<IReadOnlyList<string>> NamespacesAsync(CancellationToken ct)
    {
        var r = await RunCheckedAsync(ct, "netns", "list");
        return Lines(r.StdOut).Select(l => l.Split(' ', 2)[0]).ToList();
    }

    /// <summary>Interface names of the root namespace, without the "@peer" suffix of veths.</summary>
    public static async Task<IReadOnlyList<string>> InterfacesAsync(CancellationToken ct)
    {
        var r = await RunCheckedAsync(ct, "-o", "link", "show");
        return Lines(r.StdOut)
            .Select(l => l.Split(':', 3))
            .Where(p => p.Length == 3)
            .Select(p => p[1].Trim().Split('@')[0])
            .ToList();
    }

    /// <summary>Pids of the processes inside a namespace (zombies have left it and are not listed).</summary>
    public static async Task<IReadOnlyList<int>> PidsInAsync(string ns, CancellationToken ct)
    {
        var r = await RunAsync(ct, "netns", "pids", ns);
        return r.Ok ? Lines(r.StdOut).Select(l => int.TryParse(l, out var pid) ? pid : 0).Where(p => p > 0).ToList() : [];
    }

    /// <summary>True when a delete failed only because the thing was already gone.</summary>
    public static bool AlreadyGone(CommandResult r) =>
        r.Ok
        || r.StdErr.Contains("Cannot find device", StringComparison.Ordinal)
        || r.StdErr.Contains("No such file or directory", StringComparison.Ordinal)
        || r.StdErr.Contains("No such process", StringComparison.Ordinal)
        || r.StdErr.Contains("does not exist", StringComparison.Ordinal);

    public static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
