using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace Keel.Agent.Clone;

/// <summary>
/// The clone stream's framing, so that the copy is checked end to end (HTTP alone cannot say that a body was cut
/// short by a donor that died, nor carry an error once the body has begun): data frames are a 4-byte big-endian
/// length and the bytes; the stream ends with a zero-length frame and the XxHash128 of all data bytes, or with an
/// error frame (length 0xFFFFFFFF, then a length and a UTF-8 message) when the donor's backup failed. The checksum
/// guards against a cut or corrupted copy, not against an attacker (the token and the network do that): a
/// non-cryptographic hash at memory speed, because SHA-256 on both sides took a quarter of the primary's throughput
/// during a clone on a 2-core host.
/// </summary>
public static class CloneFrames
{
    private const uint ErrorMarker = uint.MaxValue;

    /// <summary>Writes frames and keeps the running hash.</summary>
    public sealed class Writer(Stream output) : IDisposable
    {
        private readonly XxHash128 _hash = new();
        private readonly byte[] _header = new byte[4];
        private byte[] _frame = [];

        /// <remarks>Header and data go out in one write: two writes per frame doubled the chunks on the wire.</remarks>
        public async Task DataAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            if (data.IsEmpty)
            {
                return;
            }
            if (_frame.Length < data.Length + 4)
            {
                _frame = new byte[data.Length + 4];
            }
            BinaryPrimitives.WriteUInt32BigEndian(_frame, (uint)data.Length);
            data.CopyTo(_frame.AsMemory(4));
            _hash.Append(data.Span);
            await output.WriteAsync(_frame.AsMemory(0, data.Length + 4), ct);
        }

        public async Task EndAsync(CancellationToken ct)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_header, 0);
            await output.WriteAsync(_header, ct);
            await output.WriteAsync(_hash.GetHashAndReset(), ct);
            await output.FlushAsync(ct);
        }

        public async Task ErrorAsync(string message, CancellationToken ct)
        {
            var text = Encoding.UTF8.GetBytes(message);
            BinaryPrimitives.WriteUInt32BigEndian(_header, ErrorMarker);
            await output.WriteAsync(_header, ct);
            BinaryPrimitives.WriteUInt32BigEndian(_header, (uint)text.Length);
            await output.WriteAsync(_header, ct);
            await output.WriteAsync(text, ct);
            await output.FlushAsync(ct);
        }

        public void Dispose()
        {
            // Nothing to release: kept so that callers scope a writer to one stream.
        }
    }

    /// <summary>
    /// Reads frames until the end frame, handing each data chunk to <paramref name="onData"/>; returns the number of
    /// data bytes. Throws <see cref="CloneStreamException"/> when the stream is cut short, reports an error, or its
    /// checksum does not match.
    /// </summary>
    public static async Task<long> ReadAsync(Stream input, Func<ReadOnlyMemory<byte>, Task> onData, CancellationToken ct)
    {
        var hash = new XxHash128();
        var header = new byte[4];
        // Two buffers: the next frame is read from the network while the last one is still being written out.
        var buffers = new[] { new byte[1 << 20], new byte[1 << 20] };
        var current = 0;
        var pending = Task.CompletedTask;
        long total = 0;
        while (true)
        {
            await ReadExactlyAsync(input, header, total, ct);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length == ErrorMarker)
            {
                await ReadExactlyAsync(input, header, total, ct);
                var text = new byte[Math.Min(BinaryPrimitives.ReadUInt32BigEndian(header), 64 * 1024)];
                await ReadExactlyAsync(input, text, total, ct);
                await pending;
                throw new CloneStreamException($"the donor's backup failed after {total} bytes: {Encoding.UTF8.GetString(text)}");
            }
            if (length == 0)
            {
                await pending;
                var expected = new byte[16];
                await ReadExactlyAsync(input, expected, total, ct);
                var actual = hash.GetHashAndReset();
                return CryptographicOperations.FixedTimeEquals(expected, actual)
                    ? total
                    : throw new CloneStreamException($"the copy's checksum does not match after {total} bytes (sent {Convert.ToHexString(expected)[..16]}..., received {Convert.ToHexString(actual)[..16]}...)");
            }
            if (length > buffers[current].Length)
            {
                buffers[current] = new byte[length];
            }
            var chunk = buffers[current].AsMemory(0, (int)length);
            await ReadExactlyAsync(input, chunk, total, ct);
            hash.Append(chunk.Span);
            // In order: the previous chunk is written before this one starts, and its buffer is free for the next read.
            await pending;
            pending = onData(chunk);
            current = 1 - current;
            total += length;
        }
    }

    private static async Task ReadExactlyAsync(Stream input, Memory<byte> into, long total, CancellationToken ct)
    {
        try
        {
            await input.ReadExactlyAsync(into, ct);
        }
        catch (EndOfStreamException ex)
        {
            throw new CloneStreamException($"the clone stream ended after {total} bytes without its end frame (the donor died or the connection broke)", ex);
        }
    }
}

/// <summary>A clone stream that is not a complete, intact copy.</summary>
public sealed class CloneStreamException(string message, Exception? inner = null) : Exception(message, inner);
