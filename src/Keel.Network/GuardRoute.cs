using System.Globalization;

namespace Keel.Network;

/// <summary>
/// `unreachable 10.213.X.0/24 metric 4242` in the root namespace, added before any veth exists and removed last.
/// While the bridge is up its connected /24 (metric 0) wins; if the bridge or a link goes away, traffic for the
/// lab's addresses gets "no route to host" here instead of leaving through the machine's default route.
/// </summary>
internal static class GuardRoute
{
    public static Task AddAsync(int octet, CancellationToken ct) =>
        Ip.RunCheckedAsync(ct, "route", "add", "unreachable", LabNames.Subnet(octet), "metric", LabNames.GuardMetric.ToString(CultureInfo.InvariantCulture));

    /// <summary>Removes this lab's own guard (our metric only; a sweep removes any metric).</summary>
    public static Task RemoveAsync(int octet, CancellationToken ct) =>
        RemoveAsync(new Guard(octet, LabNames.GuardMetric.ToString(CultureInfo.InvariantCulture)), ct);

    public static async Task RemoveAsync(Guard guard, CancellationToken ct)
    {
        string[] args = guard.Metric is { } m
            ? ["route", "del", "unreachable", LabNames.Subnet(guard.Octet), "metric", m]
            : ["route", "del", "unreachable", LabNames.Subnet(guard.Octet)];
        var r = await Ip.RunAsync(ct, args);
        if (!Ip.AlreadyGone(r))
        {
            throw new NetworkLabException(r.Describe());
        }
    }

    /// <summary>Every `unreachable 10.213.X.0/24` route in the main table, whatever its metric.</summary>
    public static async Task<IReadOnlyList<Guard>> ListAsync(CancellationToken ct)
    {
        var r = await Ip.RunCheckedAsync(ct, "-4", "route", "show", "table", "main");
        var guards = new List<Guard>();
        foreach (var line in Ip.Lines(r.StdOut))
        {
            var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length < 2 || t[0] != "unreachable" || !t[1].StartsWith(LabNames.SubnetPrefix, StringComparison.Ordinal) || !t[1].EndsWith(".0/24", StringComparison.Ordinal))
            {
                continue;
            }
            var octetText = t[1][LabNames.SubnetPrefix.Length..^".0/24".Length];
            if (int.TryParse(octetText, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) && octet is >= 0 and <= 255)
            {
                var at = Array.IndexOf(t, "metric");
                guards.Add(new Guard(octet, at > 0 && at + 1 < t.Length ? t[at + 1] : null));
            }
        }
        return guards;
    }

    public sealed record Guard(int Octet, string? Metric);
}
