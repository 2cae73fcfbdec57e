namespace Keel.Network;

/// <summary>
/// Chooses the X of 10.213.X.0/24 for a new lab: a /24 that no route (any table) or address on the machine
/// touches, and that no live lab has claimed. Called with the lab lock held, so two labs cannot pick the same X.
/// </summary>
internal static class SubnetPicker
{
    // Route types that `ip route` prints before the prefix.
    private static readonly HashSet<string> RouteTypes =
        ["unicast", "local", "broadcast", "multicast", "throw", "unreachable", "prohibit", "blackhole", "nat", "anycast"];

    public static async Task<int> PickAsync(IEnumerable<int> claimed, CancellationToken ct)
    {
        var routes = await Ip.RunCheckedAsync(ct, "-4", "route", "show", "table", "all");
        var addresses = await Ip.RunCheckedAsync(ct, "-4", "-o", "addr", "show");
        var inUse = RoutePrefixes(routes.StdOut).Concat(AddressPrefixes(addresses.StdOut)).ToList();
        var taken = claimed.ToHashSet();
        for (var x = 1; x <= 254; x++)
        {
            var candidate = Ipv4Prefix.TryParse(LabNames.Subnet(x))!.Value;
            if (!taken.Contains(x) && !inUse.Any(p => Conflicts(p, candidate)))
            {
                return x;
            }
        }
        throw new NetworkLabException("no free 10.213.X.0/24 for a network lab: every one is used by a route, an address or another lab");
    }

    /// <summary>
    /// Anything inside the /24, or a route of /16 or narrower around it, is a conflict. Wider routes (a default, a
    /// 10.0.0.0/8 to a VPN) do not matter: the lab's own /24 routes are more specific and win.
    /// </summary>
    public static bool Conflicts(Ipv4Prefix existing, Ipv4Prefix candidate) =>
        existing.Overlaps(candidate) && existing.Length >= 16;

    public static IEnumerable<Ipv4Prefix> RoutePrefixes(string ipRouteOutput)
    {
        foreach (var line in Ip.Lines(ipRouteOutput))
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var i = tokens.Length > 1 && RouteTypes.Contains(tokens[0]) ? 1 : 0;
            if (Ipv4Prefix.TryParse(tokens[i]) is { } p)
            {
                yield return p;
            }
        }
    }

    /// <summary>From `ip -4 -o addr show` lines: "2: eth0    inet 192.0.2.2/24 brd ... scope global eth0".</summary>
    public static IEnumerable<Ipv4Prefix> AddressPrefixes(string ipAddrOutput)
    {
        foreach (var line in Ip.Lines(ipAddrOutput))
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(tokens, "inet");
            // The address itself (a /32) is what matters here; its subnet shows up among the routes.
            if (at >= 0 && at + 1 < tokens.Length && Ipv4Prefix.TryParse(tokens[at + 1].Split('/')[0]) is { } p)
            {
                yield return p;
            }
        }
    }
}
