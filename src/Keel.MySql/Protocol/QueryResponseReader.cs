namespace Keel.MySql.Protocol;

/// <summary>
/// Reads the text-protocol response to COM_QUERY: an OK, an ERR, or a result set (column count,
/// column definitions, [EOF], rows, EOF-or-OK terminator); repeated while the server says more
/// results exist (stored procedures). The first result is returned, the rest drained so the
/// connection stays in step.
/// </summary>
internal static class QueryResponseReader
{
    public static async Task<MySqlResult> ReadAsync(PacketChannel channel, bool deprecateEof, CancellationToken ct)
    {
        MySqlResult? first = null;
        while (true)
        {
            var packet = await channel.ReadPacketAsync(ct);
            MySqlResult result;
            ServerStatus status;
            switch (Header(packet))
            {
                case PacketHeaders.Ok:
                    var ok = OkPacket.Parse(packet.Span);
                    result = new MySqlResult([], [], ok.AffectedRows, ok.LastInsertId);
                    status = ok.Status;
                    break;
                case PacketHeaders.Err:
                    // ERR ends the whole response, so the connection is still in step and reusable.
                    throw ServerError.Parse(packet.Span);
                case PacketHeaders.LocalInfile:
                    throw new MalformedPacketException("server requested LOCAL INFILE, which this client never enables");
                default:
                    var columnCount = ReadColumnCount(packet.Span);
                    (result, status) = await ReadResultSetAsync(channel, columnCount, deprecateEof, ct);
                    break;
            }

            first ??= result;
            if (!status.HasFlag(ServerStatus.MoreResultsExist))
            {
                return first;
            }
        }
    }

    private static async Task<(MySqlResult, ServerStatus)> ReadResultSetAsync(
        PacketChannel channel, int columnCount, bool deprecateEof, CancellationToken ct)
    {
        var names = new string[columnCount];
        for (var i = 0; i < columnCount; i++)
        {
            names[i] = ReadColumnName((await channel.ReadPacketAsync(ct)).Span);
        }

        if (!deprecateEof)
        {
            var eof = await channel.ReadPacketAsync(ct);
            if (!EofPacket.IsTerminator(eof.Span))
            {
                throw new MalformedPacketException($"expected EOF after column definitions, got 0x{Header(eof):X2}");
            }
        }

        var index = new ColumnIndex(names);
        var rows = new List<MySqlRow>();
        while (true)
        {
            var packet = await channel.ReadPacketAsync(ct);
            if (Header(packet) == PacketHeaders.Err)
            {
                // E.g. the statement was killed while streaming rows.
                throw ServerError.Parse(packet.Span);
            }

            if (EofPacket.IsTerminator(packet.Span))
            {
                // Under DEPRECATE_EOF the terminator is an OK packet with a 0xFE header.
                var status = deprecateEof ? OkPacket.Parse(packet.Span).Status : EofPacket.ParseStatus(packet.Span);
                return (new MySqlResult(names, rows, 0, 0), status);
            }

            rows.Add(new MySqlRow(ReadRow(packet.Span, columnCount), index));
        }
    }

    private static byte Header(ReadOnlyMemory<byte> packet) =>
        packet.IsEmpty ? throw new MalformedPacketException("empty packet") : packet.Span[0];

    private static int ReadColumnCount(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        var count = r.ReadLengthEncodedInt();
        return count is > 0 and <= 65535
            ? (int)count
            : throw new MalformedPacketException($"implausible column count {count}");
    }

    private static string ReadColumnName(ReadOnlySpan<byte> payload)
    {
        // catalog, schema, table, org_table, then name; the fixed-length type fields after it are not needed.
        var r = new PayloadReader(payload);
        for (var i = 0; i < 4; i++)
        {
            r.ReadLengthEncodedBytes(out _);
        }

        return r.ReadLengthEncodedString();
    }

    private static string?[] ReadRow(ReadOnlySpan<byte> payload, int columnCount)
    {
        var r = new PayloadReader(payload);
        var values = new string?[columnCount];
        for (var i = 0; i < columnCount; i++)
        {
            values[i] = r.ReadLengthEncodedStringOrNull();
        }

        return values;
    }
}
