namespace Keel.MySql.Protocol;

/// <summary>The server's first packet (Protocol::HandshakeV10).</summary>
internal sealed record InitialHandshake(
    string ServerVersion,
    uint ConnectionId,
    Capabilities ServerCapabilities,
    byte[] Scramble,
    string AuthPlugin)
{
    // MariaDB prefixes its version so that old clients checking for >= 5.5 accept it.
    private const string MariaDbCompatPrefix = "5.5.5-";

    public static InitialHandshake Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > 0 && payload[0] == PacketHeaders.Err)
        {
            throw ServerError.Parse(payload);
        }

        var r = new PayloadReader(payload);
        var protocol = r.ReadByte();
        if (protocol != 10)
        {
            throw new MalformedPacketException($"unsupported handshake protocol version {protocol}");
        }

        var version = r.ReadNulTerminatedString();
        if (version.StartsWith(MariaDbCompatPrefix, StringComparison.Ordinal))
        {
            version = version[MariaDbCompatPrefix.Length..];
        }

        var connectionId = r.ReadUInt32();
        var scramble1 = r.ReadBytes(8).ToArray();
        r.Skip(1); // filler
        var caps = (Capabilities)r.ReadUInt16();
        if (r.AtEnd)
        {
            return new InitialHandshake(version, connectionId, caps, scramble1, "mysql_native_password");
        }

        r.ReadByte(); // character set
        r.ReadUInt16(); // status flags
        caps |= (Capabilities)((uint)r.ReadUInt16() << 16);
        var authDataLength = r.ReadByte();
        r.Skip(10); // reserved (MariaDB keeps extended capabilities in the last 4; we use none)

        var scramble = scramble1;
        if (caps.HasFlag(Capabilities.SecureConnection))
        {
            // Part 2 is max(13, len - 8) bytes including a trailing NUL that is not part of the scramble.
            var part2Length = Math.Max(13, authDataLength - 8);
            var part2 = r.ReadBytes(Math.Min(part2Length, r.Remaining));
            if (part2.Length > 0 && part2[^1] == 0)
            {
                part2 = part2[..^1];
            }

            scramble = [.. scramble1, .. part2];
        }

        var plugin = caps.HasFlag(Capabilities.PluginAuth) && !r.AtEnd
            ? r.ReadNulTerminatedString()
            : "mysql_native_password";
        return new InitialHandshake(version, connectionId, caps, scramble, plugin);
    }
}
