namespace Keel.Etcd.Tests;

public sealed class LeaseSessionTests(EtcdFixture fx) : IClassFixture<EtcdFixture>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    private readonly EtcdClient _client = fx.Client;
    private readonly string _p = EtcdFixture.UniquePrefix();

    [Fact]
    public async Task A_session_keeps_its_key_alive_past_several_ttls()
    {
        await using var session = await LeaseSession.StartAsync(_client, Ttl, TimeProvider.System, CancellationToken.None);
        await _client.PutAsync(_p + "alive", "x", session.LeaseId);
        var firstRenewal = session.LastRenewedAt;

        for (var i = 0; i < 7; i++)
        {
            await Task.Delay(Ttl / 2);
            Assert.Single((await _client.GetAsync(_p + "alive")).Kvs);
        }

        Assert.False(session.IsLost);
        Assert.False(session.Lost.IsCancellationRequested);
        Assert.True(session.LastRenewedAt > firstRenewal);
        Assert.True(session.ExpiresNoEarlierThan > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_session_signals_lost_soon_after_its_lease_is_revoked_behind_its_back()
    {
        await using var session = await LeaseSession.StartAsync(_client, Ttl, TimeProvider.System, CancellationToken.None);

        await _client.RevokeLeaseAsync(session.LeaseId);

        // The next keepalive (every TTL/3) finds the lease gone.
        await WaitLostAsync(session, within: Ttl);
        Assert.True(session.IsLost);
    }

    [Fact]
    public async Task Disposing_a_session_signals_lost_and_revokes_its_lease()
    {
        var session = await LeaseSession.StartAsync(_client, Ttl, TimeProvider.System, CancellationToken.None);
        await _client.PutAsync(_p + "mine", "x", session.LeaseId);

        await session.DisposeAsync();

        Assert.True(session.IsLost);
        Assert.True(session.Lost.IsCancellationRequested);
        Assert.Empty((await _client.GetAsync(_p + "mine")).Kvs);
    }

    [Fact]
    public async Task A_session_ttl_is_rounded_up_to_whole_seconds()
    {
        await using var session = await LeaseSession.StartAsync(_client, TimeSpan.FromMilliseconds(1500), TimeProvider.System, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(2), session.Ttl);
        Assert.Equal(session.LastRenewedAt + session.Ttl, session.ExpiresNoEarlierThan);
    }

    internal static async Task WaitLostAsync(LeaseSession session, TimeSpan within)
    {
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reg = session.Lost.Register(lost.SetResult);
        await lost.Task.WaitAsync(within);
    }

    [Fact]
    public void A_failed_renewal_is_retried_within_a_quarter_second_not_half_an_interval()
    {
        // TTL 10 s: the interval is 3.33 s; waiting half of it after a failure used to run past the demote point.
        Assert.Equal(TimeSpan.FromMilliseconds(250), LeaseSession.RetryDelay(TimeSpan.FromSeconds(10) / 3));
        Assert.Equal(TimeSpan.FromMilliseconds(100), LeaseSession.RetryDelay(TimeSpan.FromMilliseconds(200)));
    }
}
