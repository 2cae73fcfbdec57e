using System.Buffers;
using System.Net.Sockets;

namespace Keel.MySql.Protocol;

/// <summary>
/// Packet framing over one socket: 3-byte length + 1-byte sequence id, payloads of 16 MB or more split
/// into 0xFFFFFF-byte chunks (an exact multiple ends with an empty chunk). Sequence ids are checked on
/// read because a mismatch means we lost track of the conversation, and continuing would misparse.
/// Not thread-safe; every call takes the token that bounds the whole command.
/// </summary>
internal sealed class PacketChannel : IDisposable
{
    private const int DefaultBufferSize = 64 * 1024;

    // Shrinking back after a large result keeps an idle pooled connection from pinning megabytes.
    private const int ShrinkAbove = 1024 * 1024;

    private readonly Socket _socket;
    private byte[] _buffer = new byte[DefaultBufferSize];
    private int _start;
    private int _end;
    private byte _sequence;

    public PacketChannel(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Every command starts a new exchange at sequence id 0.</summary>
    public void ResetSequence()
    {
        _sequence = 0;
        if (_buffer.Length > ShrinkAbove && _start == _end)
        {
            _buffer = new byte[DefaultBufferSize];
            _start = _end = 0;
        }
    }

    /// <summary>
    /// Reads one logical packet (reassembling split payloads). The returned memory is only valid until
    /// the next read: callers parse it at once.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadPacketAsync(CancellationToken ct)
    {
        var first = await ReadChunkAsync(ct);
        if (first.Length < PacketHeaders.MaxChunk)
        {
            return first;
        }

        var whole = new ArrayBufferWriter<byte>(first.Length * 2);
        whole.Write(first.Span);
        ReadOnlyMemory<byte> chunk;
        do
        {
            chunk = await ReadChunkAsync(ct);
            whole.Write(chunk.Span);
        }
        while (chunk.Length == PacketHeaders.MaxChunk);

        return whole.WrittenMemory;
    }

    public async ValueTask WritePacketAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var offset = 0;
        while (true)
        {
            var length = Math.Min(payload.Length - offset, PacketHeaders.MaxChunk);
            var frame = new byte[4 + length];
            frame[0] = (byte)length;
            frame[1] = (byte)(length >> 8);
            frame[2] = (byte)(length >> 16);
            frame[3] = _sequence++;
            payload.Span.Slice(offset, length).CopyTo(frame.AsSpan(4));
            await SendAllAsync(frame, ct);
            offset += length;

            // A full chunk promises a continuation, so an exact multiple of 0xFFFFFF ends with an empty one.
            if (length < PacketHeaders.MaxChunk)
            {
                return;
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    private async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(CancellationToken ct)
    {
        await FillAsync(4, ct);
        var length = _buffer[_start] | (_buffer[_start + 1] << 8) | (_buffer[_start + 2] << 16);
        var sequence = _buffer[_start + 3];
        if (sequence != _sequence)
        {
            throw new MalformedPacketException($"packet sequence id {sequence}, expected {_sequence}");
        }

        _sequence++;
        _start += 4;
        await FillAsync(length, ct);
        var chunk = new ReadOnlyMemory<byte>(_buffer, _start, length);
        _start += length;
        return chunk;
    }

    /// <summary>Ensures at least <paramref name="count"/> unread bytes are buffered, compacting or growing the buffer.</summary>
    private async ValueTask FillAsync(int count, CancellationToken ct)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (_buffer.Length - _start < count)
        {
            var target = _buffer.Length >= count ? _buffer : new byte[Math.Max(count, _buffer.Length * 2)];
            Buffer.BlockCopy(_buffer, _start, target, 0, _end - _start);
            _end -= _start;
            _start = 0;
            _buffer = target;
        }

        while (_end - _start < count)
        {
            var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
            if (n == 0)
            {
                throw new EndOfStreamException(
                    $"server closed the connection ({_end - _start} of {count} expected bytes received)");
            }

            _end += n;
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var n = await _socket.SendAsync(data, SocketFlags.None, ct);
            data = data[n..];
        }
    }
}
