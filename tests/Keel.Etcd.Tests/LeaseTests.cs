namespace Keel.Etcd.Tests;

public sealed class LeaseTests(EtcdFixture fx) : IClassFixture<EtcdFixture>
{
    private readonly EtcdClient _client = fx.Client;
    private readonly string _p = EtcdFixture.UniquePrefix();

    [Fact]
    public async Task A_key_put_with_a_lease_carries_the_lease_and_revoking_the_lease_removes_it()
    {
        var lease = await _client.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await _client.PutAsync(_p + "owned", "x", lease);

        Assert.Equal(lease, Assert.Single((await _client.GetAsync(_p + "owned")).Kvs).Lease);

        await _client.RevokeLeaseAsync(lease);

        Assert.Empty((await _client.GetAsync(_p + "owned")).Kvs);
    }

    [Fact]
    public async Task KeepAliveOnce_returns_the_ttl_of_a_live_lease()
    {
        var lease = await _client.GrantLeaseAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(30, await _client.KeepAliveOnceAsync(lease));
    }

    [Fact]
    public async Task A_lease_that_is_not_kept_alive_expires_its_key_disappears_and_KeepAliveOnce_says_not_found()
    {
        // etcd raises TTLs below its minimum (1.5 election timeouts, 2 s here) to that minimum.
        var lease = await _client.GrantLeaseAsync(TimeSpan.FromSeconds(1));
        await _client.PutAsync(_p + "ephemeral", "x", lease);

        await Eventually.TrueAsync(
            async () => (await _client.GetAsync(_p + "ephemeral")).Kvs.Count == 0, TimeSpan.FromSeconds(10), "leased key expired");

        var ex = await Assert.ThrowsAsync<EtcdLeaseNotFoundException>(() => _client.KeepAliveOnceAsync(lease));
        Assert.Equal(5, ex.Code);
    }

    [Fact]
    public async Task KeepAliveOnce_on_an_unknown_lease_throws_lease_not_found()
    {
        await Assert.ThrowsAsync<EtcdLeaseNotFoundException>(() => _client.KeepAliveOnceAsync(0x7ead_beef_1234));
    }

    [Fact]
    public async Task Putting_with_a_revoked_lease_throws_lease_not_found_and_revoking_again_is_no_error()
    {
        var lease = await _client.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await _client.RevokeLeaseAsync(lease);

        await Assert.ThrowsAsync<EtcdLeaseNotFoundException>(() => _client.PutAsync(_p + "late", "x", lease));
        await _client.RevokeLeaseAsync(lease);
    }

    [Fact]
    public async Task Lease_ttls_are_rounded_up_to_whole_seconds()
    {
        var lease = await _client.GrantLeaseAsync(TimeSpan.FromSeconds(10.2));

        Assert.Equal(11, await _client.KeepAliveOnceAsync(lease));
    }
}
