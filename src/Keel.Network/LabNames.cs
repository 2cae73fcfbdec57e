using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Keel.Network;

/// <summary>
/// Every name and address a lab uses. The prefixes are narrow (an 8-hex run id right after them) so that the stale
/// sweep can never match an interface or namespace that some other tool on the machine created.
/// </summary>
internal static partial class LabNames
{
    /// <summary>Labs live in 10.213.X.0/24; X is picked per lab among the /24s nothing else on the machine uses.</summary>
    public const string SubnetPrefix = "10.213.";

    /// <summary>
    /// The guard route's metric: higher than the bridge's connected route (metric 0), so that one wins while the
    /// bridge is up, and the guard answers "no route to host" as soon as it is not (same metric would collide).
    /// </summary>
    public const int GuardMetric = 4242;

    /// <summary>Inside its namespace a host's NIC is plainly eth0, like on a real machine.</summary>
    public const string NamespaceInterface = "eth0";

    public const int FirstHostOctet = 10;
    public const int MaxHosts = 200;

    public static string NewRunId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public static string Namespace(string runId, string host) => $"keel-{runId}-{host}";

    /// <summary>Interface names are limited to 15 bytes: "kbr" + 8 = 11.</summary>
    public static string Bridge(string runId) => $"kbr{runId}";

    /// <summary>"kv" + 8 + "h" + up to 3 digits = 14 bytes, under the 15-byte limit.</summary>
    public static string HostVeth(string runId, int index) => $"kv{runId}h{index.ToString(CultureInfo.InvariantCulture)}";

    public static string Subnet(int octet) => $"{SubnetPrefix}{octet.ToString(CultureInfo.InvariantCulture)}.0/24";

    public static string SwitchAddress(int octet) => $"{SubnetPrefix}{octet.ToString(CultureInfo.InvariantCulture)}.1";

    public static string HostAddress(int octet, int index) =>
        $"{SubnetPrefix}{octet.ToString(CultureInfo.InvariantCulture)}.{(FirstHostOctet + index).ToString(CultureInfo.InvariantCulture)}";

    public static bool IsRunId(string s) => RunIdRegex().IsMatch(s);

    public static bool IsHostName(string s) => HostNameRegex().IsMatch(s);

    /// <summary>The run id of a lab namespace, or null when the name is not ours.</summary>
    public static string? RunIdOfNamespace(string name) => NamespaceRegex().Match(name) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The run id of a lab bridge or root-side veth, or null when the interface is not ours.</summary>
    public static string? RunIdOfInterface(string name) => InterfaceRegex().Match(name) is { Success: true } m ? m.Groups["id"].Value : null;

    [GeneratedRegex("^[0-9a-f]{8}$")]
    private static partial Regex RunIdRegex();

    /// <summary>Host names end up in namespace names and in file names: keep them plain.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex HostNameRegex();

    [GeneratedRegex("^keel-([0-9a-f]{8})-[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex NamespaceRegex();

    [GeneratedRegex("^(?:kbr(?<id>[0-9a-f]{8})|kv(?<id>[0-9a-f]{8})h[0-9]{1,3})$")]
    private static partial Regex InterfaceRegex();
}
