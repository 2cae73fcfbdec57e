using Keel.Bench.Faults;
using Keel.MySql;
using Keel.MySql.Server;
using Keel.Playground;

namespace Keel.Bench;

/// <summary>
/// The playground as the benchmark sees it: root on every member's unix socket (which works across the isolated
/// hosts' namespaces), decisions from the agents' log files, faults by signal and network namespace.
/// </summary>
public sealed class PlaygroundBenchCluster : BenchCluster
{
    public PlaygroundBenchCluster(PlaygroundRunner runner, PlaygroundSpec spec)
        : base(spec.EtcdUrls, spec.Cluster, new BenchAccount(spec.AppUser, spec.AppPassword, spec.AppDatabase), spec.ClientTls)
    {
        Runner = runner;
        Spec = spec;
        TlsCa = spec.TlsEnabled ? PlaygroundTls.CaFile(runner.Layout) : null;
        SysbenchTlsDirectory = spec.TlsEnabled ? PlaygroundTls.SysbenchDirectory(runner.Layout) : null;
        Faults = new PlaygroundFaults(this);
    }

    public PlaygroundRunner Runner { get; }
    public PlaygroundSpec Spec { get; }
    public PlaygroundLayout Layout => Runner.Layout;

    public override IReadOnlyList<string> MemberNames => Spec.Members.Select(m => m.Name).ToList();

    public override BenchEndpoint ReadWriteEndpoint => new(PlaygroundSpec.Host, Spec.ReadWritePort);

    public BenchEndpoint ReadOnlyEndpoint => new(PlaygroundSpec.Host, Spec.ReadOnlyPort);

    public MySqlConnectOptions ReadOnly => Direct(Spec.Members[0].Name) with { Host = ReadOnlyEndpoint.Host, Port = ReadOnlyEndpoint.Port };

    public override IFaultInjector Faults { get; }

    public override string Description => $"the playground in {Layout.Home}";

    public PlaygroundMember Member(string name) => Spec.Members.Single(m => m.Name == name);

    public MariaDbServer Server(string name) => Runner.Server(Member(name));

    public override BenchEndpoint MemberEndpoint(string member) => new(Member(member).Address, Member(member).MySqlPort);

    public override MySqlConnectOptions Admin(string member, TimeSpan timeout) =>
        Server(member).RootOptions(timeout) with { ConnectTimeout = timeout < TimeSpan.FromSeconds(2) ? timeout : TimeSpan.FromSeconds(2) };

    public override async Task<Keel.Core.Model.MemberState> WaitForHealthyAsync(TimeSpan timeout)
    {
        await Runner.WaitHealthyAsync(Spec, timeout, CancellationToken.None);
        var view = await ViewAsync();
        return view.Members[view.Leader!.Name];
    }

    public override Task<IReadOnlyList<AgentLogMarks.LogLine>> DecisionsAsync(DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AgentLogMarks.LogLine>>(
            Spec.Members.SelectMany(m => AgentLogMarks.Parse(AgentLog(m.Name))).Where(l => l.At >= since).ToList());

    public string AgentLog(string member) =>
        File.Exists(Layout.AgentLog(member)) ? File.ReadAllText(Layout.AgentLog(member)) : "";
}
