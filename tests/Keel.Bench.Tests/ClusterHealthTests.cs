using System.Collections.Immutable;
using Keel.Core.Model;

namespace Keel.Bench.Tests;

public class ClusterHealthTests
{
    private static MemberState Member(string name, bool? readOnly = true, string? following = "m1", bool streaming = true) => new()
    {
        Name = name,
        Host = "127.0.0.1",
        Port = 3306,
        ApiUrl = "http://127.0.0.1:8008",
        Server = ServerStatus.Running,
        ReadOnly = readOnly,
        Following = following,
        IoRunning = streaming,
        SqlRunning = streaming,
    };

    private static ClusterView View(string? leader, params MemberState[] members) =>
        new("m1", leader is null ? null : new LeaderRecord(leader, 1, 1), members.ToImmutableDictionary(m => m.Name));

    public static TheoryData<string, ClusterView, string?> Cases => new()
    {
        { "healthy", View("m1", Member("m1", false, null, false), Member("m2"), Member("m3")), null },
        { "no primary", View(null, Member("m1", false, null, false), Member("m2"), Member("m3")), "no primary" },
        { "read-only leader", View("m1", Member("m1", true, null, false), Member("m2"), Member("m3")), "m1 leads but is not writable yet" },
        { "missing member", View("m1", Member("m1", false, null, false), Member("m2")), "no member key for m3" },
        { "stopped replica", View("m1", Member("m1", false, null, false), Member("m2", streaming: false), Member("m3")), "m2 not streaming from m1" },
        { "replica of someone else", View("m1", Member("m1", false, null, false), Member("m2", following: "m3"), Member("m3")), "m2 not streaming from m1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Healthy_means_a_writable_leader_and_every_other_member_streaming_from_it(string name, ClusterView view, string? expected)
    {
        _ = name;
        Assert.Equal(expected, ClusterHealth.Problem(view, ["m1", "m2", "m3"]));
    }

    private static MemberState Node(string name, int localState = Keel.Core.Galera.GaleraState.Synced, string status = "Primary", ServerStatus server = ServerStatus.Running) => new()
    {
        Name = name,
        Host = "127.0.0.1",
        Port = 3306,
        ApiUrl = "http://127.0.0.1:8008",
        Server = server,
        ReadOnly = false,
        Galera = new Keel.Core.Galera.GaleraState { LocalState = localState, ClusterStatus = status, Ready = status == "Primary", ClusterSize = 3 },
    };

    public static TheoryData<string, ClusterView, string?> GaleraCases => new()
    {
        { "every node Synced, a writer", View("m1", Node("m1"), Node("m2"), Node("m3")), null },
        { "no writer", View(null, Node("m1"), Node("m2"), Node("m3")), "no writer" },
        { "the writer outside the Primary Component", View("m1", Node("m1", status: "non-Primary"), Node("m2"), Node("m3")), "m1 leads but is not writable yet" },
        { "a joiner", View("m1", Node("m1"), Node("m2", Keel.Core.Galera.GaleraState.Joining), Node("m3")), "m2 not Synced in the Primary Component" },
        { "a donor", View("m1", Node("m1"), Node("m2"), Node("m3", Keel.Core.Galera.GaleraState.Donor)), "m3 not Synced in the Primary Component" },
        { "a stopped node", View("m1", Node("m1"), Node("m2"), Node("m3", server: ServerStatus.Stopped)), "m3 not Synced in the Primary Component" },
    };

    /// <summary>Galera mode (records with wsrep state): healthy means a writer that serves and every other node Synced, with no replication fields at all.</summary>
    [Theory]
    [MemberData(nameof(GaleraCases))]
    public void In_galera_mode_healthy_means_a_serving_writer_and_every_node_synced(string name, ClusterView view, string? expected)
    {
        _ = name;
        Assert.True(ClusterHealth.IsGalera(view));
        Assert.Equal(expected, ClusterHealth.Problem(view, ["m1", "m2", "m3"]));
    }

    [Theory]
    [InlineData("10.0.0.5:3306", "10.0.0.5", 3306)]
    [InlineData("db-rw.example:6033", "db-rw.example", 6033)]
    public void An_endpoint_is_host_colon_port(string text, string host, int port)
    {
        Assert.Equal(new BenchEndpoint(host, port), BenchEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData(":3306")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:abc")]
    public void Anything_else_is_not_an_endpoint(string text)
    {
        Assert.Null(BenchEndpoint.Parse(text));
    }
}
