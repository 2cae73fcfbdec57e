using System.Net;
using System.Net.Sockets;
using Keel.Agent.Store;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.MySql;
using Keel.MySql.Server;
using Keel.Playground;
using Keel.TestSupport;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>
/// A real playground (etcd, three mariadbd under agents and a supervisor, HAProxy) in a temporary home on free
/// ports, torn down and deleted on dispose. Agent logs are copied to the test output.
/// </summary>
public sealed class PlaygroundCluster : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;

    private PlaygroundCluster(ITestOutputHelper output, PlaygroundLayout layout, PlaygroundRunner runner, PlaygroundSpec spec)
    {
        _output = output;
        Layout = layout;
        Runner = runner;
        Spec = spec;
        Etcd = new EtcdClient(new EtcdClientOptions { Endpoints = [new Uri(spec.EtcdUrl)] });
        Store = new ClusterStore(Etcd, new KeyLayout(spec.Cluster));
    }

    public PlaygroundLayout Layout { get; }
    public PlaygroundRunner Runner { get; }
    public PlaygroundSpec Spec { get; }
    public EtcdClient Etcd { get; }
    public ClusterStore Store { get; }

    /// <summary>Short TTL so that lease cases finish quickly; still within the timing rule.</summary>
    public static async Task<PlaygroundCluster> StartAsync(ITestOutputHelper output, string ttl = "6s", bool isolatedHosts = false)
    {
        var home = TestPaths.NewTempDir("pg");
        var layout = new PlaygroundLayout(home);
        var keelDll = Path.Combine(AppContext.BaseDirectory, "keel.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var log = new StringWriter();
        var runner = new PlaygroundRunner(layout, log, (dotnet, [keelDll]));
        var spec = PlaygroundSpec.Default(FreePortBase()) with
        {
            Cluster = "t" + Guid.NewGuid().ToString("N")[..8],
            Ttl = ttl,
            LoopInterval = "1s",
            RequestTimeout = "1s",
            IsolatedHosts = isolatedHosts,
        };
        try
        {
            spec = await runner.UpAsync(runner.LoadOrCreateSpec(() => spec), TimeSpan.FromSeconds(180), CancellationToken.None);
        }
        catch
        {
            output.WriteLine(log.ToString());
            await runner.DownAsync(purge: true, CancellationToken.None);
            throw;
        }
        output.WriteLine(log.ToString());
        return new PlaygroundCluster(output, layout, runner, spec);
    }

    /// <summary>A base port whose 40 following ports are all free right now.</summary>
    private static int FreePortBase()
    {
        var random = new Random();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            // Below the kernel's ephemeral range (32768 and up by default): a port there can be taken at any moment
            // as the source port of some outgoing connection, between our check and the server's bind.
            var basePort = random.Next(110, 320) * 100;
            if (Enumerable.Range(basePort, 40).All(IsFree))
            {
                return basePort;
            }
        }
        throw new InvalidOperationException("no free block of 40 ports found on 127.0.0.1");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public PlaygroundMember Member(string name) => Spec.Members.Single(m => m.Name == name);

    public MariaDbServer Server(string name) => Runner.Server(Member(name));

    public Task<ClusterView> ViewAsync() => Store.ReadAsync(CancellationToken.None);

    public MySqlConnectOptions ReadWrite => App(Spec.ReadWritePort);

    public MySqlConnectOptions ReadOnly => App(Spec.ReadOnlyPort);

    private MySqlConnectOptions App(int port) => new()
    {
        Host = PlaygroundSpec.Host,
        Port = port,
        User = Spec.AppUser,
        Password = Spec.AppPassword,
        Database = Spec.AppDatabase,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Runs one statement as root on a member's own socket (bypassing HAProxy and Keel).</summary>
    public async Task<MySqlResult> RootQueryAsync(string member, string sql)
    {
        await using var c = await MySqlConnection.OpenAsync(Server(member).RootOptions(TimeSpan.FromSeconds(10)));
        return await c.QueryAsync(sql);
    }

    public async Task<MemberState> WaitForHealthyAsync(TimeSpan timeout)
    {
        await Runner.WaitHealthyAsync(Spec, timeout, CancellationToken.None);
        var view = await ViewAsync();
        return view.Members[view.Leader!.Name];
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is MySqlException or EtcdException or IOException)
            {
                last = ex;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }

    public string AgentLog(string member) =>
        File.Exists(Layout.AgentLog(member)) ? File.ReadAllText(Layout.AgentLog(member)) : "";

    public async ValueTask DisposeAsync()
    {
        foreach (var m in Spec.Members)
        {
            _output.WriteLine($"---- agent log of {m.Name} ----");
            _output.WriteLine(string.Join('\n', AgentLog(m.Name).Split('\n').TakeLast(80)));
        }
        Etcd.Dispose();
        await Runner.DownAsync(purge: true, CancellationToken.None);
    }
}
