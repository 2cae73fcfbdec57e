using System.Net;
using System.Net.Sockets;
using Keel.Agent.Store;
using Keel.Bench;
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

    private PlaygroundCluster(ITestOutputHelper output, PlaygroundBenchCluster bench)
    {
        _output = output;
        Bench = bench;
    }

    /// <summary>The same cluster as the benchmark sees it (endpoints, etcd view, root access).</summary>
    public PlaygroundBenchCluster Bench { get; }
    public PlaygroundLayout Layout => Bench.Layout;
    public PlaygroundRunner Runner => Bench.Runner;
    public PlaygroundSpec Spec => Bench.Spec;
    public EtcdClient Etcd => Bench.Etcd;
    public ClusterStore Store => Bench.Store;

    /// <summary>Short TTL so that lease cases finish quickly; still within the timing rule.</summary>
    public static async Task<PlaygroundCluster> StartAsync(ITestOutputHelper output, string ttl = "6s", bool isolatedHosts = false, int? cloneMaxRateMb = null,
        string? backupSchedule = null, int? backupRetentionCount = null, bool backupVerify = false, string? agentYamlExtra = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? mariadbSettings = null, bool galera = false)
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
            CloneMaxRateMb = cloneMaxRateMb,
            BackupSchedule = backupSchedule,
            BackupRetentionCount = backupRetentionCount,
            BackupVerify = backupVerify,
            AgentYamlExtra = agentYamlExtra,
            MariadbSettings = mariadbSettings,
            Galera = galera,
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
        return new PlaygroundCluster(output, new PlaygroundBenchCluster(runner, spec));
    }

    /// <summary>
    /// A base port whose 50 following ports are all free right now (Galera nodes use base + 41 to + 49); KEEL_TEST_PORT_BASE fixes it instead (a host
    /// shared with others, where each keeps to their own block of ports).
    /// </summary>
    internal static int FreePortBase()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("KEEL_TEST_PORT_BASE"), System.Globalization.CultureInfo.InvariantCulture, out var fixedBase))
        {
            return fixedBase;
        }
        var random = new Random();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            // Below the kernel's ephemeral range (32768 and up by default): a port there can be taken at any moment
            // as the source port of some outgoing connection, between our check and the server's bind.
            var basePort = random.Next(110, 320) * 100;
            if (Enumerable.Range(basePort, 50).All(IsFree))
            {
                return basePort;
            }
        }
        throw new InvalidOperationException("no free block of 50 ports found on 127.0.0.1");
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

    public PlaygroundMember Member(string name) => Bench.Member(name);

    public MariaDbServer Server(string name) => Bench.Server(name);

    public Task<ClusterView> ViewAsync() => Bench.ViewAsync();

    public MySqlConnectOptions ReadWrite => Bench.ReadWrite;

    public MySqlConnectOptions ReadOnly => Bench.ReadOnly;

    public Task<MySqlResult> RootQueryAsync(string member, string sql) => Bench.RootQueryAsync(member, sql);

    public Task<MemberState> WaitForHealthyAsync(TimeSpan timeout) => Bench.WaitForHealthyAsync(timeout);

    public static Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class =>
        Eventually.UntilAsync(probe, timeout, what);

    public string AgentLog(string member) => Bench.AgentLog(member);

    /// <summary>Waits (up to 90 s) until a member other than <paramref name="old"/> holds the leader key with a writable server.</summary>
    public Task<string> WaitForNewPrimaryAsync(string old) =>
        EventuallyAsync(async () =>
        {
            var v = await ViewAsync();
            return v.Leader is { } l && l.Name != old && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l.Name : null;
        }, TimeSpan.FromSeconds(90), "a new writable primary");

    /// <summary>Prints a fault's figures and asserts the two invariants of every case: nothing acknowledged lost, no split brain.</summary>
    public Keel.Bench.FaultReport Checked(Keel.Bench.FaultReport r)
    {
        _output.WriteLine("FIGURES " + r);
        Assert.Equal(0, r.AcknowledgedLost);
        Assert.Equal(0, r.SplitBrainSwitches);
        return r;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in Spec.Members)
        {
            _output.WriteLine($"---- agent log of {m.Name} ----");
            _output.WriteLine(string.Join('\n', AgentLog(m.Name).Split('\n').TakeLast(80)));
        }
        Bench.Dispose();
        // KEEL_TEST_KEEP_LOGS=DIR keeps every agent's whole log (for a failure the last lines do not explain).
        if (Environment.GetEnvironmentVariable("KEEL_TEST_KEEP_LOGS") is { Length: > 0 } keep)
        {
            var dir = Path.Combine(keep, Path.GetFileName(Layout.Home));
            Directory.CreateDirectory(dir);
            foreach (var m in Spec.Members.Where(m => File.Exists(Layout.AgentLog(m.Name))))
            {
                File.Copy(Layout.AgentLog(m.Name), Path.Combine(dir, $"{m.Name}.log"), overwrite: true);
            }
            foreach (var e in Spec.EtcdMembers)
            {
                var log = Path.Combine(Layout.EtcdMemberDir(Spec, e.Name), "etcd.log");
                if (File.Exists(log))
                {
                    File.Copy(log, Path.Combine(dir, $"etcd-{e.Name}.log"), overwrite: true);
                }
            }
            foreach (var m in Spec.Members.Where(m => File.Exists(Layout.WatchdogLog(m.Name))))
            {
                File.Copy(Layout.WatchdogLog(m.Name), Path.Combine(dir, $"{m.Name}.watchdog.log"), overwrite: true);
            }
            foreach (var m in Spec.Members.Where(m => File.Exists(Server(m.Name).ErrorLog)))
            {
                File.Copy(Server(m.Name).ErrorLog, Path.Combine(dir, $"{m.Name}.mariadb.log"), overwrite: true);
            }
        }
        await Runner.DownAsync(purge: true, CancellationToken.None);
    }
}
