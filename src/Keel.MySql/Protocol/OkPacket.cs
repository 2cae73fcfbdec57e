namespace Keel.MySql.Protocol;

/// <summary>
/// OK packet (header 0x00, or 0xFE when it terminates a result set under CLIENT_DEPRECATE_EOF):
/// affected rows, last insert id, status, warnings. Trailing info/session-track data is ignored.
/// </summary>
internal readonly record struct OkPacket(ulong AffectedRows, ulong LastInsertId, ServerStatus Status)
{
    public static OkPacket Parse(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        r.ReadByte();
        var affected = r.ReadLengthEncodedInt();
        var insertId = r.ReadLengthEncodedInt();
        var status = (ServerStatus)r.ReadUInt16();
        return new OkPacket(affected, insertId, status);
    }
}
