using System.Buffers.Binary;
using System.Text;
using Keel.Core.Backup.Archive;
using Keel.Core.Gtid;

namespace Keel.Agent.Backup.Archive;

/// <summary>Where reading a binlog file stopped: the offset after the last whole event, and the file's checksum size.</summary>
public sealed record BinlogCursor(string Path, long Offset, int ChecksumBytes);

/// <summary>
/// Reads the events of a binlog file on disk: their offsets, times and, for the few events the archive needs, their
/// bodies (GTID, Gtid_list, Query text); every other body is skipped. Stops at the last whole event, so a file still
/// being written reads fine. Hand-written because no .NET library for MariaDB binlog files is served here, the format
/// (a 19-byte header per event, MariaDB's event types 160-163) is stable and small, and SHOW BINLOG EVENTS only reads
/// a server's own files, not the archive's.
/// </summary>
public static class BinlogFileReader
{
    private const int HeaderBytes = 19;
    private static readonly byte[] Magic = [0xfe, (byte)'b', (byte)'i', (byte)'n'];

    private const byte QueryEvent = 2;
    private const byte StopEvent = 3;
    private const byte RotateEvent = 4;
    private const byte FormatDescriptionEvent = 15;
    private const byte XidEvent = 16;
    private const byte GtidEvent = 162;
    private const byte GtidListEvent = 163;

    /// <summary>Every whole event of the file.</summary>
    public static (IReadOnlyList<BinlogEvent> Events, BinlogCursor Cursor) ReadAll(string path) => Read(new BinlogCursor(path, 0, -1));

    /// <summary>The whole events after <paramref name="cursor"/> (an offset 0 cursor reads from the start).</summary>
    public static (IReadOnlyList<BinlogEvent> Events, BinlogCursor Cursor) Read(BinlogCursor cursor)
    {
        using var file = new FileStream(cursor.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var events = new List<BinlogEvent>();
        var checksum = cursor.ChecksumBytes;
        var offset = cursor.Offset;
        if (offset < Magic.Length)
        {
            var magic = new byte[Magic.Length];
            if (file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length)
            {
                return ([], cursor with { Offset = 0 });
            }
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException($"{cursor.Path} is not a binlog file (it does not start with the binlog magic number)");
            }
            offset = Magic.Length;
        }
        var header = new byte[HeaderBytes];
        var length = file.Length;
        while (offset + HeaderBytes <= length)
        {
            file.Position = offset;
            file.ReadExactly(header);
            var at = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0, 4)));
            var type = header[4];
            var serverId = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(5, 4));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(9, 4));
            if (size < HeaderBytes)
            {
                throw new InvalidDataException($"{cursor.Path} has a damaged event at offset {offset} (size {size})");
            }
            var end = offset + size;
            if (end > length)
            {
                break; // still being written
            }
            var needsBody = type is FormatDescriptionEvent or GtidEvent or GtidListEvent or QueryEvent;
            var body = needsBody ? new byte[size - HeaderBytes] : [];
            if (needsBody)
            {
                file.ReadExactly(body);
            }
            if (type == FormatDescriptionEvent)
            {
                // The last 5 bytes are the checksum algorithm (1 = CRC32) and the event's own checksum.
                checksum = body.Length >= 5 && body[^5] == 1 ? 4 : 0;
            }
            var content = needsBody ? body.AsSpan(0, Math.Max(0, body.Length - Math.Max(checksum, 0))) : default;
            events.Add(type switch
            {
                GtidEvent => new BinlogEvent(offset, end, BinlogEventKind.Gtid, at)
                {
                    Gtid = new Gtid(BinaryPrimitives.ReadUInt32LittleEndian(content[8..12]), serverId, BinaryPrimitives.ReadUInt64LittleEndian(content[..8])),
                    Standalone = (content[12] & 1) != 0,
                },
                GtidListEvent => new BinlogEvent(offset, end, BinlogEventKind.GtidList, at) { GtidList = ReadGtidList(content) },
                QueryEvent => new BinlogEvent(offset, end, BinlogEventKind.Query, at) { Query = ReadQuery(content) },
                XidEvent => new BinlogEvent(offset, end, BinlogEventKind.Xid, at),
                RotateEvent => new BinlogEvent(offset, end, BinlogEventKind.Rotate, at),
                StopEvent => new BinlogEvent(offset, end, BinlogEventKind.Stop, at),
                _ => new BinlogEvent(offset, end, BinlogEventKind.Other, at),
            });
            offset = end;
        }
        return (events, new BinlogCursor(cursor.Path, offset, checksum));
    }

    private static GtidPosition ReadGtidList(ReadOnlySpan<byte> body)
    {
        var count = (int)(BinaryPrimitives.ReadUInt32LittleEndian(body) & 0x0fffffff);
        var gtids = new List<Gtid>(count);
        for (var i = 0; i < count && 4 + ((i + 1) * 16) <= body.Length; i++)
        {
            var entry = body.Slice(4 + (i * 16), 16);
            gtids.Add(new Gtid(BinaryPrimitives.ReadUInt32LittleEndian(entry), BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]), BinaryPrimitives.ReadUInt64LittleEndian(entry[8..])));
        }
        // A Gtid_list lists every (domain, server) pair seen; the position keeps each domain's highest.
        return gtids.Aggregate(GtidPosition.Empty, (p, g) => p.Union(GtidPosition.Of(g)));
    }

    /// <summary>The statement of a Query event: after its 13-byte post-header, the status variables and the schema name.</summary>
    private static string ReadQuery(ReadOnlySpan<byte> body)
    {
        if (body.Length < 13)
        {
            return "";
        }
        var schemaLength = body[8];
        var statusLength = BinaryPrimitives.ReadUInt16LittleEndian(body[11..13]);
        var start = 13 + statusLength + schemaLength + 1;
        return start <= body.Length ? Encoding.UTF8.GetString(body[start..]) : "";
    }
}
