namespace Keel.Etcd.Tests;

public sealed class KvTests(EtcdFixture fx) : IClassFixture<EtcdFixture>
{
    private readonly EtcdClient _client = fx.Client;
    private readonly string _p = EtcdFixture.UniquePrefix();

    [Fact]
    public async Task Put_then_get_roundtrips_non_ASCII_keys_and_values()
    {
        var key = _p + "ключ/😀";
        var rev = await _client.PutAsync(key, "значение ✓ 😀 \"quoted\" \n newline");

        var got = await _client.GetAsync(key);

        var kv = Assert.Single(got.Kvs);
        Assert.Equal(key, kv.Key);
        Assert.Equal("значение ✓ 😀 \"quoted\" \n newline", kv.Value);
        Assert.Equal(rev, kv.CreateRevision);
        Assert.Equal(rev, kv.ModRevision);
        Assert.Equal(1, kv.Version);
        Assert.Equal(0, kv.Lease);
        Assert.True(got.Revision >= rev);
    }

    [Fact]
    public async Task Put_then_get_roundtrips_an_empty_value()
    {
        await _client.PutAsync(_p + "empty", "");

        var kv = Assert.Single((await _client.GetAsync(_p + "empty")).Kvs);

        Assert.Equal("", kv.Value);
    }

    [Fact]
    public async Task A_second_put_bumps_mod_revision_and_version_but_not_create_revision()
    {
        var first = await _client.PutAsync(_p + "k", "1");
        var second = await _client.PutAsync(_p + "k", "2");

        var kv = Assert.Single((await _client.GetAsync(_p + "k")).Kvs);

        Assert.True(second > first);
        Assert.Equal(first, kv.CreateRevision);
        Assert.Equal(second, kv.ModRevision);
        Assert.Equal(2, kv.Version);
    }

    [Fact]
    public async Task Get_of_a_missing_key_returns_no_kvs_and_the_current_revision()
    {
        var rev = await _client.PutAsync(_p + "other", "x");

        var got = await _client.GetAsync(_p + "missing");

        Assert.Empty(got.Kvs);
        Assert.True(got.Revision >= rev);
    }

    [Fact]
    public async Task Get_prefix_returns_only_the_keys_under_the_prefix_in_key_order()
    {
        // "a0" is the range end etcd gets for "a/" ('0' follows '/'): it must stay outside.
        foreach (var k in new[] { "a/2", "a/1", "a", "ab", "a0", "b/1" })
        {
            await _client.PutAsync(_p + k, k);
        }

        var got = await _client.GetPrefixAsync(_p + "a/");

        Assert.Equal([_p + "a/1", _p + "a/2"], got.Kvs.Select(kv => kv.Key));
    }

    [Fact]
    public async Task Delete_removes_the_key_and_reports_how_many_were_deleted()
    {
        await _client.PutAsync(_p + "gone", "x");

        Assert.Equal(1, await _client.DeleteAsync(_p + "gone"));
        Assert.Equal(0, await _client.DeleteAsync(_p + "gone"));
        Assert.Empty((await _client.GetAsync(_p + "gone")).Kvs);
    }

    [Fact]
    public async Task Delete_prefix_removes_only_the_keys_under_the_prefix()
    {
        foreach (var k in new[] { "d/1", "d/2", "d", "d0" })
        {
            await _client.PutAsync(_p + k, k);
        }

        Assert.Equal(2, await _client.DeletePrefixAsync(_p + "d/"));

        Assert.Equal([_p + "d", _p + "d0"], (await _client.GetPrefixAsync(_p)).Kvs.Select(kv => kv.Key));
    }
}
