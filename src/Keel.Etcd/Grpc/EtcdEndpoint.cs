using Grpc.Net.Client;
using Etcdserverpb;

namespace Keel.Etcd.Grpc;

/// <summary>One etcd member's client URL with its own gRPC channel and the generated service clients on it.</summary>
internal sealed class EtcdEndpoint : IDisposable
{
    private readonly GrpcChannel _channel;

    public EtcdEndpoint(Uri url, TimeSpan requestTimeout, Keel.Os.Tls.ClientTls? tls)
    {
        Url = url;
        var handler = new SocketsHttpHandler
        {
            // An http_proxy in the environment must not reroute cluster traffic.
            UseProxy = false,
            UseCookies = false,

            // A connect that fails by itself says "never sent", so even a write may go to the next endpoint;
            // half the budget leaves the call's own deadline (which would mean "unknown") for the answer.
            ConnectTimeout = requestTimeout / 2,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        // https:// endpoints: etcd's certificate must chain to the cluster's CA, and ours is shown (--client-cert-auth).
        tls?.Apply(handler);

        // Handing the channel an HttpClient (not the handler) keeps Grpc.Net.Client's connectivity layer out: with
        // it, a refused connect puts the channel in a reconnect backoff that grows to minutes, during which every
        // call fails at once even though etcd is back. Plain pooling reconnects on the next call instead.
        // h2c on an http:// address needs no AppContext switch since .NET 5: the channel asks for HTTP/2 exactly.
        var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpClient = http,
            DisposeHttpClient = true,

            // A deadline or a cancelled token then ends a call with OperationCanceledException, the same way for
            // unary calls and streams; the callers tell the two apart by whose token fired.
            ThrowOperationCanceledOnCancellation = true,

            // Failover and resending are decided by Keel (RetryPolicy), never by the channel.
            MaxRetryAttempts = 0,
        });

        Kv = new KV.KVClient(_channel);
        Lease = new Lease.LeaseClient(_channel);
        Watch = new Watch.WatchClient(_channel);
        Cluster = new Cluster.ClusterClient(_channel);
        Maintenance = new Maintenance.MaintenanceClient(_channel);
    }

    public Uri Url { get; }

    public KV.KVClient Kv { get; }

    public Lease.LeaseClient Lease { get; }

    public Watch.WatchClient Watch { get; }

    public Cluster.ClusterClient Cluster { get; }

    public Maintenance.MaintenanceClient Maintenance { get; }

    public void Dispose() => _channel.Dispose();
}
