using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Keel.Network;

/// <summary>An IPv4 network (address and prefix length) as it appears in `ip route` and `ip addr` output.</summary>
internal readonly record struct Ipv4Prefix(uint Network, int Length)
{
    public uint Mask => Length == 0 ? 0u : uint.MaxValue << (32 - Length);

    public bool Overlaps(Ipv4Prefix other)
    {
        var shorter = Math.Min(Length, other.Length);
        var mask = shorter == 0 ? 0u : uint.MaxValue << (32 - shorter);
        return (Network & mask) == (other.Network & mask);
    }

    /// <summary>Parses "a.b.c.d/len", "a.b.c.d" (a /32) or "default" (0/0); null for anything else.</summary>
    public static Ipv4Prefix? TryParse(string text)
    {
        if (text == "default")
        {
            return new Ipv4Prefix(0, 0);
        }
        var parts = text.Split('/');
        if (parts.Length > 2
            || !IPAddress.TryParse(parts[0], out var address)
            || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return null;
        }
        var length = 32;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > 32))
        {
            return null;
        }
        var value = BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
        var p = new Ipv4Prefix(0, length);
        return p with { Network = value & p.Mask };
    }
}
