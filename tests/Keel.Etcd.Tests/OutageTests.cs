using System.Diagnostics;
using Keel.Etcd.Server;
using Keel.Os;

namespace Keel.Etcd.Tests;

/// <summary>Each test gets its own etcd, because each one kills, freezes or restarts it.</summary>
public sealed class OutageTests : IAsyncLifetime
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    private EtcdInstance? _etcd;
    private EtcdClient? _client;

    private EtcdInstance Etcd => _etcd!;

    private EtcdClient Client => _client!;

    public async Task InitializeAsync()
    {
        _etcd = await EtcdInstance.StartAsync("etcd-out");
        _client = _etcd.NewClient(RequestTimeout);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_to_a_killed_etcd_throw_unavailable_within_the_request_timeout()
    {
        await Client.PutAsync("k", "v");
        Etcd.Server.Kill();

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<EtcdUnavailableException>(() => Client.GetAsync("k"));
        await Assert.ThrowsAsync<EtcdUnavailableException>(() => Client.PutAsync("k", "v2"));
        await Assert.ThrowsAsync<EtcdUnavailableException>(() => Client.TxnAsync(new TxnRequest([Compare.Absent("x")], [new PutOp("x", "1")], [])));
        await Assert.ThrowsAsync<EtcdUnavailableException>(() => Client.KeepAliveOnceAsync(1));

        Assert.True(watch.Elapsed < RequestTimeout * 2, $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Requests_to_a_frozen_etcd_time_out_as_unavailable_instead_of_hanging()
    {
        await Client.PutAsync("k", "v");
        Assert.True(Signals.Stop(Etcd.Pid, TimeSpan.FromSeconds(5)));
        try
        {
            var watch = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<EtcdUnavailableException>(() => Client.GetAsync("k"));

            Assert.InRange(watch.Elapsed, RequestTimeout * 0.9, RequestTimeout * 2);
            Assert.Contains("no answer within", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Signals.Send(Etcd.Pid, Signals.SigCont);
        }

        Assert.Equal("v", Assert.Single((await Client.GetAsync("k")).Kvs).Value);
    }

    [Fact]
    public async Task After_a_kill_and_a_restart_on_the_same_data_dir_and_port_the_client_works_again_and_the_data_persisted()
    {
        var rev = await Client.PutAsync("persist/me", "still here");
        Etcd.Server.Kill();
        await Assert.ThrowsAsync<EtcdUnavailableException>(() => Client.GetAsync("persist/me"));

        await Etcd.Server.StartAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        var kv = Assert.Single((await Client.GetAsync("persist/me")).Kvs);
        Assert.Equal("still here", kv.Value);
        Assert.Equal(rev, kv.ModRevision);
        Assert.True(await Client.PutAsync("persist/after", "x") > rev);
    }

    [Fact]
    public async Task A_lease_session_signals_lost_by_time_when_an_outage_outlasts_its_ttl()
    {
        var time = TimeProvider.System;
        await using var session = await LeaseSession.StartAsync(Client, TimeSpan.FromSeconds(2), time, CancellationToken.None);
        await Task.Delay(800);
        Etcd.Server.Kill();
        var lostAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reg = session.Lost.Register(() => lostAt.TrySetResult(time.GetUtcNow()));

        var at = await lostAt.Task.WaitAsync(TimeSpan.FromSeconds(5));

        // Never early (the lease may still be alive before that instant), and not much later.
        Assert.True(at >= session.ExpiresNoEarlierThan, $"lost at {at:O}, before {session.ExpiresNoEarlierThan:O}");
        Assert.True(at - session.ExpiresNoEarlierThan < TimeSpan.FromSeconds(1), $"lost {at - session.ExpiresNoEarlierThan} late");
        Assert.True(session.IsLost);
    }

    [Fact]
    public async Task A_lease_session_keeps_its_lease_across_an_etcd_restart_shorter_than_its_ttl()
    {
        // A generous TTL: the restart (etcd's own start and election) must fit well inside it.
        await using var session = await LeaseSession.StartAsync(Client, TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
        await Client.PutAsync("leased", "x", session.LeaseId);

        Etcd.Server.Kill();
        await Etcd.Server.StartAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        var restartedAt = DateTimeOffset.UtcNow;

        // Renewals go on against the new process (a keepalive stream that broke with the old one must not stop them).
        await Eventually.TrueAsync(() => Task.FromResult(session.LastRenewedAt > restartedAt), TimeSpan.FromSeconds(8), "renewed after the restart");
        Assert.False(session.IsLost);
        Assert.Equal(session.LeaseId, Assert.Single((await Client.GetAsync("leased")).Kvs).Lease);
    }

    [Fact]
    public async Task After_a_restart_a_watch_from_the_last_seen_revision_plus_one_sees_the_changes_made_since()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var lastSeen = await Client.PutAsync("r/1", "before");
        await using (var watch = Client.WatchPrefixAsync("r/", lastSeen, cts.Token).GetAsyncEnumerator(cts.Token))
        {
            Assert.True(await watch.MoveNextAsync());
            var next = watch.MoveNextAsync().AsTask();
            Etcd.Server.Kill();
            await Assert.ThrowsAsync<EtcdUnavailableException>(() => next);
        }

        await Etcd.Server.StartAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        await Client.PutAsync("r/2", "after");
        await using var again = Client.WatchPrefixAsync("r/", lastSeen + 1, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await again.MoveNextAsync());
        Assert.Equal(("r/2", "after"), (again.Current.Kv.Key, again.Current.Kv.Value));
    }

    [Fact]
    public async Task A_watch_ends_with_unavailable_when_etcd_is_killed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var rev = await Client.PutAsync("w/1", "x");
        await using var watch = Client.WatchPrefixAsync("w/", rev, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());

        var next = watch.MoveNextAsync().AsTask();
        Etcd.Server.Kill();

        await Assert.ThrowsAsync<EtcdUnavailableException>(() => next);
    }

    [Fact]
    public async Task A_watch_on_a_frozen_etcd_ends_with_unavailable_after_a_failed_liveness_probe()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var rev = await Client.PutAsync("w/1", "x");
        await using var watch = Client.WatchPrefixAsync("w/", rev, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.True(Signals.Stop(Etcd.Pid, TimeSpan.FromSeconds(5)));
        try
        {
            var watchTime = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<EtcdUnavailableException>(async () => await watch.MoveNextAsync());

            // Probe every 2 request timeouts, plus one request timeout for the probe itself.
            Assert.True(watchTime.Elapsed < RequestTimeout * 4, $"took {watchTime.Elapsed}");
            Assert.Contains("liveness probe", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Signals.Send(Etcd.Pid, Signals.SigCont);
        }
    }
}
