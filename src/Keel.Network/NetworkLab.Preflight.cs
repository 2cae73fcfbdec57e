using System.ComponentModel;
using Keel.Os;

namespace Keel.Network;

/// <summary>Whether this machine and process can build labs at all.</summary>
public sealed partial class NetworkLab
{
    private static readonly TimeSpan PreflightTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Null when labs can be built here; otherwise one sentence saying why not. Tests must fail with it, never
    /// skip: a lab test that silently does not run hides exactly the failures it exists for.
    /// </summary>
    public static string? CannotRunReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network labs need Linux network namespaces, and this is not Linux.";
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return "network labs need root (to create namespaces, veths, a bridge and routes), and this process does not run as root.";
        }
        return Probe(["ip", "netns", "list"], "the `ip` command (iproute2)")
            ?? Probe(["iptables", "--version"], "iptables")
            ?? Probe(["setsid", "--version"], "setsid (util-linux)");
    }

    private static string? Probe(IReadOnlyList<string> argv, string what)
    {
        try
        {
            var r = ExternalCommand.Run(argv, PreflightTimeout);
            return r.Ok ? null : $"network labs need {what}, but {r.Describe()}.";
        }
        catch (Exception e) when (e is Win32Exception or ProgramListException)
        {
            return $"network labs need {what}: {e.Message}.";
        }
        catch (TimeoutException e)
        {
            return $"network labs need {what}, but {e.Message}.";
        }
    }
}
