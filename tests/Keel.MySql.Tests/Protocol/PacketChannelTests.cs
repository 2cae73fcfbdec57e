using System.Net;
using System.Net.Sockets;
using Keel.MySql.Protocol;

namespace Keel.MySql.Tests.Protocol;

public sealed class PacketChannelTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(0xFFFFFE)]
    [InlineData(0xFFFFFF)] // exact chunk size: must be followed by an empty packet
    [InlineData((2 * 0xFFFFFF) + 10)]
    public async Task Payloads_of_any_size_round_trip_with_splitting(int size)
    {
        var (a, b) = await ConnectedPairAsync();
        using var writer = new PacketChannel(a);
        using var reader = new PacketChannel(b);
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        var write = writer.WritePacketAsync(payload, default).AsTask();
        var read = await reader.ReadPacketAsync(default);
        await write;

        Assert.True(read.Span.SequenceEqual(payload));

        // Both sides advanced the sequence id by the number of physical packets: a follow-up still lines up.
        await writer.WritePacketAsync(new byte[] { 7 }, default);
        Assert.Equal(new byte[] { 7 }, (await reader.ReadPacketAsync(default)).ToArray());
    }

    [Fact]
    public async Task A_wrong_sequence_id_is_a_protocol_violation()
    {
        var (a, b) = await ConnectedPairAsync();
        using var reader = new PacketChannel(b);
        await a.SendAsync(new byte[] { 1, 0, 0, 5, 0x42 });

        await Assert.ThrowsAsync<MalformedPacketException>(() => reader.ReadPacketAsync(default).AsTask());
        a.Dispose();
    }

    [Fact]
    public async Task End_of_stream_mid_packet_is_reported()
    {
        var (a, b) = await ConnectedPairAsync();
        using var reader = new PacketChannel(b);
        await a.SendAsync(new byte[] { 10, 0, 0, 0, 1, 2 });
        a.Shutdown(SocketShutdown.Send);

        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadPacketAsync(default).AsTask());
        a.Dispose();
    }

    private static async Task<(Socket A, Socket B)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        return (client, await accept);
    }
}
