namespace Keel.MySql.Protocol;

/// <summary>Classic EOF packet (0xFE, warnings, status), used when CLIENT_DEPRECATE_EOF is off.</summary>
internal static class EofPacket
{
    /// <summary>
    /// A 0xFE header is a terminator only when the payload is short: a row whose first value is a
    /// string of 16 MB or more also starts with 0xFE (8-byte length prefix) but is far longer.
    /// </summary>
    public static bool IsTerminator(ReadOnlySpan<byte> payload) =>
        payload.Length > 0 && payload[0] == PacketHeaders.Eof && payload.Length < PacketHeaders.MaxChunk;

    public static ServerStatus ParseStatus(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        r.ReadByte();
        if (r.Remaining < 4)
        {
            return ServerStatus.None; // pre-4.1 EOF: no status
        }

        r.ReadUInt16(); // warnings
        return (ServerStatus)r.ReadUInt16();
    }
}
