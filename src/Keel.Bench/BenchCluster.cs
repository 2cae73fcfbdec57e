using Keel.Agent.Store;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.MySql;
using Keel.MySql.Server;
using Keel.Playground;

namespace Keel.Bench;

/// <summary>
/// A running playground as the benchmark and the scenario tests see it: its etcd view, its endpoints, and root
/// access to every member's server over the unix socket (which works across the isolated hosts' namespaces).
/// </summary>
public sealed class BenchCluster : IDisposable
{
    public BenchCluster(PlaygroundRunner runner, PlaygroundSpec spec)
    {
        Runner = runner;
        Spec = spec;
        Etcd = new EtcdClient(new EtcdClientOptions { Endpoints = [new Uri(spec.EtcdUrl)] });
        Store = new ClusterStore(Etcd, new KeyLayout(spec.Cluster));
    }

    public PlaygroundRunner Runner { get; }
    public PlaygroundSpec Spec { get; }
    public EtcdClient Etcd { get; }
    public ClusterStore Store { get; }
    public PlaygroundLayout Layout => Runner.Layout;

    public PlaygroundMember Member(string name) => Spec.Members.Single(m => m.Name == name);

    public MariaDbServer Server(string name) => Runner.Server(Member(name));

    public Task<ClusterView> ViewAsync() => Store.ReadAsync(CancellationToken.None);

    public MySqlConnectOptions ReadWrite => App(PlaygroundSpec.Host, Spec.ReadWritePort);

    public MySqlConnectOptions ReadOnly => App(PlaygroundSpec.Host, Spec.ReadOnlyPort);

    /// <summary>The application user straight to one member, bypassing HAProxy.</summary>
    public MySqlConnectOptions Direct(string member) => App(Member(member).Address, Member(member).MySqlPort);

    private MySqlConnectOptions App(string host, int port) => new()
    {
        Host = host,
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

    public string AgentLog(string member) =>
        File.Exists(Layout.AgentLog(member)) ? File.ReadAllText(Layout.AgentLog(member)) : "";

    public void Dispose() => Etcd.Dispose();
}
