namespace Keel.MySql.Protocol;

/// <summary>Decodes an ERR packet: 0xFF, code (2 bytes), optional '#' + 5-char SQLSTATE, message.</summary>
internal static class ServerError
{
    public static MySqlServerException Parse(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        r.ReadByte();
        var code = r.ReadUInt16();

        // Errors sent before the handshake completes (too many connections, host blocked) carry no SQLSTATE.
        var state = "HY000";
        if (!r.AtEnd && r.PeekByte() == (byte)'#' && r.Remaining >= 6)
        {
            r.ReadByte();
            state = System.Text.Encoding.ASCII.GetString(r.ReadBytes(5));
        }

        return new MySqlServerException(code, state, r.ReadRestAsString());
    }
}
