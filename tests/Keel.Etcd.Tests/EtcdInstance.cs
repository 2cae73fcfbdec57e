using Keel.Etcd.Server;
using Keel.TestSupport;

namespace Keel.Etcd.Tests;

/// <summary>A real etcd on free ports in its own temp dir; killed and deleted on dispose.</summary>
public sealed class EtcdInstance : IAsyncDisposable
{
    private EtcdInstance(string dir, EtcdServerOptions options, EtcdServer server, int pid)
    {
        Dir = dir;
        Options = options;
        Server = server;
        Pid = pid;
    }

    public string Dir { get; }

    public EtcdServerOptions Options { get; }

    public EtcdServer Server { get; }

    public int Pid { get; }

    public Uri Url => Server.ClientUrl;

    public static async Task<EtcdInstance> StartAsync(string prefix = "etcd", Func<string, EtcdServerTls>? tls = null)
    {
        // A free port can be taken by a parallel test between FreePort() and etcd's bind: try fresh ports again.
        for (var attempt = 1; ; attempt++)
        {
            var dir = TestPaths.NewTempDir(prefix);
            var clientPort = TestPaths.FreePort();
            var peerPort = TestPaths.FreePort();
            while (peerPort == clientPort)
            {
                peerPort = TestPaths.FreePort();
            }

            var options = new EtcdServerOptions { DataDir = Path.Combine(dir, "data"), ClientPort = clientPort, PeerPort = peerPort, Tls = tls?.Invoke(dir) };
            var server = new EtcdServer(options);
            try
            {
                var pid = await server.StartAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
                return new EtcdInstance(dir, options, server, pid);
            }
            catch (EtcdStartException) when (attempt < 3)
            {
                server.Kill();
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    public EtcdClient NewClient(TimeSpan? requestTimeout = null) => new(new EtcdClientOptions
    {
        Endpoints = [Url],
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(2),
    });

    public ValueTask DisposeAsync()
    {
        // A test may leave it frozen (SIGSTOP); SIGKILL ends a stopped process too.
        Server.Kill();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: /tmp is cleaned eventually.
        }

        return ValueTask.CompletedTask;
    }
}
