using System.Text;
using System.Text.Json;
using Keel.Etcd.Wire;

namespace Keel.Etcd.Tests;

/// <summary>Pure checks of the wire mapping (no server).</summary>
public sealed class WireTests
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

    [Fact]
    public void A_create_if_absent_compare_sends_create_revision_zero_explicitly_and_int64_as_strings()
    {
        var dto = WireMapping.ToTxnRequest(new TxnRequest([Compare.Absent("k")], [new PutOp("k", "v", Lease: 7_000_000_000_000_000_001)], []));

        var json = JsonSerializer.Serialize(dto, WireJsonContext.Default.TxnRequestDto);

        Assert.Contains("\"target\":\"CREATE\"", json, StringComparison.Ordinal);
        Assert.Contains("\"create_revision\":\"0\"", json, StringComparison.Ordinal);
        Assert.Contains("\"lease\":\"7000000000000000001\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("mod_revision", json, StringComparison.Ordinal);
        Assert.Contains($"\"key\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes("k"))}\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_txn_answer_without_succeeded_maps_to_the_failure_branch_ranges()
    {
        const string body = """
            {"header":{"revision":"9"},"responses":[{"response_range":{"header":{"revision":"9"},"kvs":[{"key":"YQ==","create_revision":"8","mod_revision":"9","version":"2","value":"cQ==","lease":"4111120159879269391"}],"count":"1"}}]}
            """;
        var txn = new TxnRequest([Compare.Absent("a")], [new PutOp("a", "x")], [new GetOp("a")]);

        var result = WireMapping.ToTxnResult(txn, JsonSerializer.Deserialize(body, WireJsonContext.Default.TxnResponseDto)!);

        Assert.False(result.Succeeded);
        Assert.Equal(9, result.Revision);
        Assert.Equal(new KeyValue("a", "q", 8, 9, 2, 4111120159879269391), Assert.Single(Assert.Single(result.Ranges).Kvs));
    }
}
