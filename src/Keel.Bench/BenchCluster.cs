using Keel.Agent.Store;
using Keel.Bench.Faults;
using Keel.Bench.Sysbench;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.MySql;

namespace Keel.Bench;

/// <summary>The application account the benchmark writes with.</summary>
public sealed record BenchAccount(string User, string Password, string Database);

/// <summary>A host and port.</summary>
public sealed record BenchEndpoint(string Host, int Port)
{
    /// <summary>Reads HOST:PORT; null when it is not one.</summary>
    public static BenchEndpoint? Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? new BenchEndpoint(text[..colon], port)
            : null;
    }

    public override string ToString() => $"{Host}:{Port}";
}

/// <summary>
/// A Keel cluster as the benchmark and the scenario tests see it: its etcd view, its read-write endpoint, an
/// administrative connection to every member, the agents' decisions, and a way to hurt members. The playground
/// (<see cref="PlaygroundBenchCluster"/>) and any other cluster (<see cref="RemoteBenchCluster"/>) differ only there.
/// </summary>
public abstract class BenchCluster : IDisposable
{
    protected BenchCluster(IReadOnlyList<Uri> etcd, string cluster, BenchAccount app, Keel.Os.Tls.ClientTls? controlPlaneTls)
    {
        ControlPlaneTls = controlPlaneTls;
        Etcd = new EtcdClient(new EtcdClientOptions { Endpoints = etcd, Tls = controlPlaneTls });
        Store = new ClusterStore(Etcd, new KeyLayout(cluster));
        ClusterName = cluster;
        App = app;
    }

    public EtcdClient Etcd { get; }

    /// <summary>How etcd and the agents' APIs are verified when they use TLS; null: plain.</summary>
    public Keel.Os.Tls.ClientTls? ControlPlaneTls { get; }
    public ClusterStore Store { get; }
    public string ClusterName { get; }
    public BenchAccount App { get; }

    /// <summary>The CA the members' certificates come from: TCP connections then use TLS and verify them; null: plain text.</summary>
    public string? TlsCa { get; init; }

    /// <summary>The certificate files sysbench needs for TLS (<see cref="Sysbench.SysbenchTarget.TlsDirectory"/>); null: plain text.</summary>
    public string? SysbenchTlsDirectory { get; init; }

    /// <summary>The members the benchmark expects to see healthy between faults.</summary>
    public abstract IReadOnlyList<string> MemberNames { get; }

    public abstract BenchEndpoint ReadWriteEndpoint { get; }

    /// <summary>A member's MySQL address, bypassing the proxy.</summary>
    public abstract BenchEndpoint MemberEndpoint(string member);

    /// <summary>An administrative connection to one member (read_only, GTID positions, the checker's tables).</summary>
    public abstract MySqlConnectOptions Admin(string member, TimeSpan timeout);

    public abstract IFaultInjector Faults { get; }

    /// <summary>The cluster as messages name it.</summary>
    public virtual string Description => $"cluster {ClusterName}";

    /// <summary>The agents' decision lines at or after <paramref name="since"/>, from every member that answers.</summary>
    public abstract Task<IReadOnlyList<AgentLogMarks.LogLine>> DecisionsAsync(DateTimeOffset since, CancellationToken ct);

    public Task<ClusterView> ViewAsync() => Store.ReadAsync(CancellationToken.None);

    public MySqlConnectOptions ReadWrite => AppOptions(ReadWriteEndpoint);

    /// <summary>The application user straight to one member, bypassing the proxy.</summary>
    public MySqlConnectOptions Direct(string member) => AppOptions(MemberEndpoint(member));

    public SysbenchTarget SysbenchTarget => new(ReadWriteEndpoint.Host, ReadWriteEndpoint.Port, App.User, App.Password, App.Database) { TlsDirectory = SysbenchTlsDirectory };

    private MySqlConnectOptions AppOptions(BenchEndpoint endpoint) => new()
    {
        Host = endpoint.Host,
        Port = endpoint.Port,
        User = App.User,
        Password = App.Password,
        Database = App.Database,
        TlsCa = TlsCa,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Creates the benchmark's database when it is missing (a remote cluster's may be); an existing one is left alone.</summary>
    public async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        try
        {
            await using var c = await MySqlConnection.OpenAsync(ReadWrite, ct);
        }
        catch (MySqlServerException ex) when (ex.Code == UnknownDatabase)
        {
            await using var c = await MySqlConnection.OpenAsync(ReadWrite with { Database = null }, ct);
            await c.QueryAsync($"CREATE DATABASE IF NOT EXISTS `{App.Database.Replace("`", "``", StringComparison.Ordinal)}`", ct);
        }
    }

    private const int UnknownDatabase = 1049;

    /// <summary>Runs one statement on a member with the administrative connection (bypassing the proxy and Keel).</summary>
    public async Task<MySqlResult> RootQueryAsync(string member, string sql)
    {
        await using var c = await MySqlConnection.OpenAsync(Admin(member, TimeSpan.FromSeconds(10)));
        return await c.QueryAsync(sql);
    }

    /// <summary>Waits until a writable primary leads and every other member streams from it; returns the primary.</summary>
    public virtual async Task<MemberState> WaitForHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var state = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var view = await ViewAsync();
                var problem = ClusterHealth.Problem(view, MemberNames);
                if (problem is null)
                {
                    return view.Members[view.Leader!.Name];
                }
                state = problem;
            }
            catch (EtcdException ex)
            {
                state = $"etcd: {ex.Message}";
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Description} did not become healthy within {timeout.TotalSeconds:0} s ({state})");
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Etcd.Dispose();
        }
    }
}
