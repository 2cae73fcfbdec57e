using Keel.Etcd.Grpc;

namespace Keel.Etcd.Tests;

/// <summary>Pure checks of key ranges and lease TTL rounding (no server).</summary>
public sealed class KeyRangeTests
{
    [Theory]
    [InlineData(new byte[] { 0x61 }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x61, 0x2F }, new byte[] { 0x61, 0x30 })]
    [InlineData(new byte[] { 0x61, 0xFF }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x61, 0xFF, 0xFF }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0xFF, 0xFF }, new byte[] { 0x00 })]
    public void The_prefix_range_end_increments_the_last_byte_below_0xFF(byte[] prefix, byte[] end)
    {
        Assert.Equal(end, KeyRange.PrefixEnd(prefix));
    }

    [Fact]
    public void An_empty_prefix_covers_the_whole_keyspace()
    {
        var (key, end) = KeyRange.Prefix("");

        Assert.Equal(new byte[] { 0 }, key);
        Assert.Equal(new byte[] { 0 }, end);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(1001, 2)]
    [InlineData(2000, 2)]
    [InlineData(-5, 1)]
    public void Lease_ttls_round_up_to_whole_seconds_and_at_least_one(int milliseconds, long seconds)
    {
        Assert.Equal(seconds, EtcdClient.WholeSeconds(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
