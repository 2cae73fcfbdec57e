using Keel.Agent.Clone;

namespace Keel.Agent.Tests;

/// <summary>The clone stream is checked end to end: a cut, a corrupted byte or a donor's error is never taken for a copy.</summary>
public sealed class CloneFramesTests
{
    private static async Task<byte[]> FramedAsync(Func<CloneFrames.Writer, Task> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new CloneFrames.Writer(buffer))
        {
            await write(writer);
        }
        return buffer.ToArray();
    }

    private static async Task<(long Total, byte[] Data)> ReadAllAsync(byte[] framed)
    {
        using var received = new MemoryStream();
        var total = await CloneFrames.ReadAsync(new MemoryStream(framed), chunk => { received.Write(chunk.Span); return Task.CompletedTask; }, CancellationToken.None);
        return (total, received.ToArray());
    }

    private static readonly byte[] Payload = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task A_whole_stream_arrives_with_its_bytes_and_count()
    {
        var framed = await FramedAsync(async w =>
        {
            await w.DataAsync(Payload.AsMemory(0, 100_000), CancellationToken.None);
            await w.DataAsync(Payload.AsMemory(100_000), CancellationToken.None);
            await w.EndAsync(CancellationToken.None);
        });
        var (total, data) = await ReadAllAsync(framed);
        Assert.Equal(Payload.Length, total);
        Assert.Equal(Payload, data);
    }

    [Fact]
    public async Task A_stream_cut_short_is_refused()
    {
        var framed = await FramedAsync(async w => await w.DataAsync(Payload, CancellationToken.None));
        var ex = await Assert.ThrowsAsync<CloneStreamException>(() => ReadAllAsync(framed[..(framed.Length / 2)]));
        Assert.Contains("without its end frame", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupted_byte_fails_the_checksum()
    {
        var framed = await FramedAsync(async w =>
        {
            await w.DataAsync(Payload, CancellationToken.None);
            await w.EndAsync(CancellationToken.None);
        });
        framed[1000] ^= 0x40;
        var ex = await Assert.ThrowsAsync<CloneStreamException>(() => ReadAllAsync(framed));
        Assert.Contains("checksum does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_donors_error_reaches_the_joiner()
    {
        var framed = await FramedAsync(async w =>
        {
            await w.DataAsync(Payload.AsMemory(0, 10), CancellationToken.None);
            await w.ErrorAsync("mariabackup exited with code 1: InnoDB: read error", CancellationToken.None);
        });
        var ex = await Assert.ThrowsAsync<CloneStreamException>(() => ReadAllAsync(framed));
        Assert.Contains("the donor's backup failed after 10 bytes: mariabackup exited with code 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_says_bytes_rate_and_time_left()
    {
        Assert.Equal("cloning from m2: 100.0 MB of 400.0 MB (25 %), 50.0 MB/s, about 6 s left",
            CloneJoiner.Progress("m2", 100_000_000, 400_000_000, TimeSpan.FromSeconds(2)));
    }
}
