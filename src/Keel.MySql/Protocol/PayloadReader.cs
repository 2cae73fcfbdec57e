using System.Buffers.Binary;
using System.Text;

namespace Keel.MySql.Protocol;

/// <summary>Cursor over one packet payload: little-endian ints, length-encoded ints and strings.</summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Position => _pos;

    public readonly int Remaining => _data.Length - _pos;

    public readonly bool AtEnd => _pos >= _data.Length;

    public readonly byte PeekByte()
    {
        Need(1);
        return _data[_pos];
    }

    public byte ReadByte()
    {
        Need(1);
        return _data[_pos++];
    }

    public ushort ReadUInt16()
    {
        var v = BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        return v;
    }

    public uint ReadUInt24()
    {
        var s = Take(3);
        return (uint)(s[0] | (s[1] << 8) | (s[2] << 16));
    }

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);

    public void Skip(int count) => Take(count);

    /// <summary>
    /// Length-encoded integer: one byte below 0xFB, else 0xFC/0xFD/0xFE announce 2/3/8 bytes. Returns
    /// null for 0xFB, which in a row means SQL NULL. 0xFF is never a valid first byte.
    /// </summary>
    public ulong? ReadLengthEncodedIntOrNull()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xFB => first,
            0xFB => null,
            0xFC => ReadUInt16(),
            0xFD => ReadUInt24(),
            0xFE => ReadUInt64(),
            _ => throw new MalformedPacketException("length-encoded integer starts with 0xFF"),
        };
    }

    public ulong ReadLengthEncodedInt() =>
        ReadLengthEncodedIntOrNull() ?? throw new MalformedPacketException("unexpected NULL length-encoded integer");

    /// <summary>Length-encoded string as raw bytes; null for SQL NULL.</summary>
    public ReadOnlySpan<byte> ReadLengthEncodedBytes(out bool isNull)
    {
        var len = ReadLengthEncodedIntOrNull();
        isNull = len is null;
        if (len is null)
        {
            return default;
        }

        if (len.Value > (ulong)Remaining)
        {
            throw new MalformedPacketException($"length-encoded string of {len} bytes overruns the packet ({Remaining} left)");
        }

        return Take((int)len.Value);
    }

    public string? ReadLengthEncodedStringOrNull()
    {
        var bytes = ReadLengthEncodedBytes(out var isNull);
        return isNull ? null : Encoding.UTF8.GetString(bytes);
    }

    public string ReadLengthEncodedString() =>
        ReadLengthEncodedStringOrNull() ?? throw new MalformedPacketException("unexpected NULL string");

    /// <summary>NUL-terminated string; tolerates a missing terminator at the end of the payload (seen in old servers).</summary>
    public string ReadNulTerminatedString()
    {
        var rest = _data[_pos..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            _pos = _data.Length;
            return Encoding.UTF8.GetString(rest);
        }

        _pos += end + 1;
        return Encoding.UTF8.GetString(rest[..end]);
    }

    public string ReadRestAsString() => Encoding.UTF8.GetString(ReadRest());

    private ReadOnlySpan<byte> Take(int count)
    {
        Need(count);
        var s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    private readonly void Need(int count)
    {
        if (count < 0 || _data.Length - _pos < count)
        {
            throw new MalformedPacketException(
                $"packet too short: needed {count} bytes at offset {_pos} of {_data.Length}");
        }
    }
}
