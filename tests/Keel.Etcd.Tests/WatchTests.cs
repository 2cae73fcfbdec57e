using Etcdserverpb;
using Grpc.Net.Client;

namespace Keel.Etcd.Tests;

public sealed class WatchTests(EtcdFixture fx) : IClassFixture<EtcdFixture>
{
    private readonly EtcdClient _client = fx.Client;
    private readonly string _p = EtcdFixture.UniquePrefix();

    [Fact]
    public async Task A_prefix_watch_replays_from_the_given_revision_then_streams_puts_and_deletes_in_order()
    {
        await _client.PutAsync(_p + "w/0", "before");
        var start = await _client.PutAsync(_p + "w/1", "one");
        await _client.PutAsync(_p + "w/2", "two");
        await _client.DeleteAsync(_p + "w/1");
        await _client.PutAsync(_p + "outside", "ignored");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<WatchEvent>();
        await using var watch = _client.WatchPrefixAsync(_p + "w/", start, cts.Token).GetAsyncEnumerator(cts.Token);
        while (events.Count < 3 && await watch.MoveNextAsync())
        {
            events.Add(watch.Current);
        }

        // Live events after the replay.
        var liveRev = await _client.PutAsync(_p + "w/3", "three");
        await _client.DeletePrefixAsync(_p + "w/");
        while (events.Count < 7 && await watch.MoveNextAsync())
        {
            events.Add(watch.Current);
        }

        Assert.Equal(
            [
                (WatchEventType.Put, "w/1", "one"),
                (WatchEventType.Put, "w/2", "two"),
                (WatchEventType.Delete, "w/1", ""),
                (WatchEventType.Put, "w/3", "three"),
                (WatchEventType.Delete, "w/0", ""),
                (WatchEventType.Delete, "w/2", ""),
                (WatchEventType.Delete, "w/3", ""),
            ],
            events.Select(e => (e.Type, e.Kv.Key[_p.Length..], e.Kv.Value)));
        Assert.Equal(start, events[0].Kv.ModRevision);
        Assert.Equal(liveRev, events[3].Kv.ModRevision);
        Assert.True(events[2].Kv.ModRevision > events[1].Kv.ModRevision);

        // One delete-prefix is one revision: its events share it.
        Assert.Single(events.Skip(4).Select(e => e.Kv.ModRevision).Distinct());
    }

    [Fact]
    public async Task A_watch_from_the_last_seen_revision_plus_one_sees_only_later_changes()
    {
        var lastSeen = await _client.PutAsync(_p + "n/old", "old");
        await _client.PutAsync(_p + "n/new", "new");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = _client.WatchPrefixAsync(_p + "n/", lastSeen + 1, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(_p + "n/new", watch.Current.Kv.Key);
    }

    [Fact]
    public async Task Watching_from_a_compacted_revision_throws_etcds_compacted_error_not_unavailable()
    {
        var old = await _client.PutAsync(_p + "h/1", "1");
        var now = await _client.PutAsync(_p + "h/1", "2");
        await CompactAsync(now);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = _client.WatchPrefixAsync(_p + "h/", old, cts.Token).GetAsyncEnumerator(cts.Token);

        var ex = await Assert.ThrowsAsync<EtcdException>(async () => await watch.MoveNextAsync());

        Assert.IsNotType<EtcdUnavailableException>(ex);
        Assert.Equal(11, ex.Code);
    }

    [Fact]
    public async Task Cancelling_a_watch_ends_it_with_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        await using var watch = _client.WatchPrefixAsync(_p + "c/", 0, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(200);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    /// <summary>The client has no compaction call (etcd compacts by itself); the test asks etcd's KV service directly.</summary>
    private async Task CompactAsync(long revision)
    {
        using var channel = GrpcChannel.ForAddress(fx.Etcd.Url);
        await new KV.KVClient(channel).CompactAsync(
            new CompactionRequest { Revision = revision, Physical = true }, deadline: DateTime.UtcNow.AddSeconds(10));
    }
}
