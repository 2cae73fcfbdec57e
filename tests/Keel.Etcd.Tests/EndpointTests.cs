using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keel.TestSupport;

namespace Keel.Etcd.Tests;

public sealed class EndpointTests(EtcdFixture fx) : IClassFixture<EtcdFixture>
{
    // Long enough for the real etcd to answer a write on a loaded host (fsync); the hung and refused endpoints fail anyway.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    private readonly string _p = EtcdFixture.UniquePrefix();

    [Fact]
    public async Task A_refused_endpoint_listed_first_is_skipped_for_reads_and_writes()
    {
        var refused = new Uri($"http://127.0.0.1:{TestPaths.FreePort()}");
        using var client = new EtcdClient(new EtcdClientOptions { Endpoints = [refused, fx.Etcd.Url], RequestTimeout = RequestTimeout });

        await client.PutAsync(_p + "k", "v");
        var txn = await client.TxnAsync(new TxnRequest([Compare.Absent(_p + "lock")], [new PutOp(_p + "lock", "me")], []));

        Assert.True(txn.Succeeded);
        Assert.Equal("v", Assert.Single((await client.GetAsync(_p + "k")).Kvs).Value);
    }

    [Fact]
    public async Task After_a_hung_endpoint_times_out_the_client_sticks_to_the_one_that_answered()
    {
        var timeout = TimeSpan.FromSeconds(3);
        using var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start();  // accepts connections (the kernel does the handshake) and never answers
        var hungUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)hung.LocalEndpoint).Port}");
        using var client = new EtcdClient(new EtcdClientOptions { Endpoints = [hungUrl, fx.Etcd.Url], RequestTimeout = timeout });

        var first = Stopwatch.StartNew();
        await client.GetAsync(_p + "k");
        first.Stop();
        var second = Stopwatch.StartNew();
        await client.GetAsync(_p + "k");
        second.Stop();

        Assert.True(first.Elapsed >= timeout * 0.9, $"first read took {first.Elapsed}");
        Assert.True(second.Elapsed < timeout * 0.6, $"second read took {second.Elapsed}");
    }

    [Fact]
    public async Task A_write_that_timed_out_is_reported_unknown_not_resent_and_the_next_call_uses_the_next_endpoint()
    {
        using var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start();
        var hungUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)hung.LocalEndpoint).Port}");
        using var client = new EtcdClient(new EtcdClientOptions { Endpoints = [hungUrl, fx.Etcd.Url], RequestTimeout = RequestTimeout });

        // The hung endpoint may have applied it: resending elsewhere could make our own lock look taken.
        await Assert.ThrowsAsync<EtcdUnavailableException>(() => client.PutAsync(_p + "w", "1"));
        Assert.Empty((await fx.Client.GetAsync(_p + "w")).Kvs);

        await client.PutAsync(_p + "w", "2");
        Assert.Equal("2", Assert.Single((await fx.Client.GetAsync(_p + "w")).Kvs).Value);
    }

    [Fact]
    public async Task With_every_endpoint_down_the_error_names_each_one()
    {
        var a = new Uri($"http://127.0.0.1:{TestPaths.FreePort()}");
        var b = new Uri($"http://127.0.0.1:{TestPaths.FreePort()}");
        // A read, with a timeout far above a refused connect: a write that got no answer within the timeout is on
        // purpose never resent (its outcome is unknown), so on a loaded host a write could name only the first.
        using var client = new EtcdClient(new EtcdClientOptions { Endpoints = [a, b], RequestTimeout = TimeSpan.FromSeconds(10) });

        var ex = await Assert.ThrowsAsync<EtcdUnavailableException>(() => client.GetAsync("k"));

        Assert.Contains(a.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains(b.Authority, ex.Message, StringComparison.Ordinal);
    }
}
