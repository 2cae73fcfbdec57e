using Keel.Bench;
using Keel.Core.Model;
using Keel.MySql;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Galera mode against real galera-4 nodes: one bootstrap, one writer behind HAProxy, and recovery from a full outage.</summary>
public sealed class GaleraTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(4);

    private static async Task WaitSyncedAsync(PlaygroundCluster cluster, string what) =>
        await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.Leader is not null && cluster.Spec.Members.All(m => v.Members.TryGetValue(m.Name, out var n)
                && n.Server == ServerStatus.Running && n.Galera is { Recovered: false } g && g.Serves(false) && g.ClusterSize == 3) ? v : null;
        }, Generous, what);

    private static async Task<HashSet<long>> IdsAsync(PlaygroundCluster cluster, string member) =>
        [.. (await cluster.RootQueryAsync(member, "SELECT id FROM app.acked")).Rows.Select(r => long.Parse(r[0]!, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// `keel up --galera`: one node bootstraps through the bootstrap key, the others join by SST, exactly one node is
    /// the writer (/primary). Under writes through the read-write port the writer's server is killed -9: the writer key
    /// moves and writes go on; the killed node rejoins. Then a full outage: every agent frozen, every server killed -9,
    /// the agents resumed in a random order: they recover each node's position, the most advanced alone bootstraps,
    /// the others join, and every acknowledged write is on every node.
    /// </summary>
    [Fact]
    public async Task A_galera_cluster_keeps_one_writer_and_recovers_from_a_full_outage_without_losing_acknowledged_writes()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, galera: true);
        var view = await cluster.ViewAsync();
        Assert.Equal(3, view.Members.Values.Count(m => m.Galera?.Serves(false) == true));
        var writer = view.Leader!.Name;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var primaries = new List<string>();
        foreach (var m in view.Members.Values)
        {
            if ((await http.GetAsync($"{m.ApiUrl}/primary")).IsSuccessStatusCode)
            {
                primaries.Add(m.Name);
            }
        }
        Assert.Equal([writer], primaries);

        await AckedWriter.CreateTableAsync(cluster.ReadWrite);
        var writes = new AckedWriter(cluster.ReadWrite);
        using var stop = new CancellationTokenSource();
        var load = writes.RunAsync(2, stop.Token, pause: TimeSpan.FromMilliseconds(20));
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(writes.Acknowledged.Count > 200 ? "ok" : null), Generous, "writes to get going");

        // The writer's server dies: the key moves to a Synced node, and the killed node rejoins.
        cluster.Server(writer).Kill();
        var next = await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Leader is { } l && l.Name != writer ? l.Name : null, Generous, "the writer key to move");
        output.WriteLine($"writer {writer} killed; {next} took the writer key");
        var before = writes.Acknowledged.Count;
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(writes.Acknowledged.Count > before + 200 ? "ok" : null), Generous, "writes to go on");
        await WaitSyncedAsync(cluster, $"{writer} to rejoin");

        // A full outage: every agent frozen, every server killed -9, then the agents resumed in a random order, a
        // random moment apart (each starts its server's recovery when it resumes).
        var agents = (await cluster.ViewAsync()).Members.ToDictionary(kv => kv.Key, kv => kv.Value.AgentPid!.Value);
        foreach (var pid in agents.Values)
        {
            Assert.True(Keel.Os.Signals.Stop(pid, TimeSpan.FromSeconds(5)));
        }
        foreach (var m in cluster.Spec.Members)
        {
            cluster.Server(m.Name).Kill();
        }
        output.WriteLine($"froze every agent and killed every server after {writes.Acknowledged.Count} acknowledged writes");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        foreach (var name in agents.Keys.OrderBy(_ => random.Next()).ToList())
        {
            var gap = TimeSpan.FromMilliseconds(random.Next(0, 3000));
            await Task.Delay(gap);
            Keel.Os.Signals.Send(agents[name], Keel.Os.Signals.SigCont);
            output.WriteLine($"resumed {name}'s agent after {gap.TotalSeconds:0.0} s (seed {seed})");
        }
        // First the outage as the agents see it (records from before the kill still say Synced for a moment).
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members.Values.Any(n => n.Galera is { Recovered: false } g && g.Serves(false) && n.Server == ServerStatus.Running) ? null : "down",
            Generous, "every agent to see its server down");
        await WaitSyncedAsync(cluster, "the cluster to re-form after the full outage");
        before = writes.Acknowledged.Count;
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(writes.Acknowledged.Count > before + 200 ? "ok" : null), Generous, "writes to go on after the outage");
        await stop.CancelAsync();
        await load;

        var bootstraps = cluster.Spec.Members.Select(m => cluster.AgentLog(m.Name)).Sum(log => log.Split('\n').Count(l => l.Contains("took the bootstrap key", StringComparison.Ordinal)));
        Assert.Equal(2, bootstraps); // the first start, and once after the outage: never two at a time
        var bootstrap = cluster.Spec.Members.SelectMany(m => cluster.AgentLog(m.Name).Split('\n'))
            .Single(l => l.Contains("tried to bootstrap the Primary Component from this node after a full outage", StringComparison.Ordinal));
        output.WriteLine(bootstrap);
        // Every node's position was known when the most advanced was chosen: none was skipped for the recovery wait.
        Assert.DoesNotContain("without a position", bootstrap, StringComparison.Ordinal);

        // Every acknowledged write is on every node (read after the last write has had time to apply everywhere).
        var acked = writes.Acknowledged.ToList();
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var m in cluster.Spec.Members)
        {
            var ids = await IdsAsync(cluster, m.Name);
            var lost = acked.Where(id => !ids.Contains(id)).ToList();
            output.WriteLine($"{m.Name}: {ids.Count} rows, {acked.Count} acknowledged, {lost.Count} missing");
            Assert.Empty(lost);
        }
    }

    /// <summary>
    /// The operator's tools: `keel galera rolling-restart` under writes restarts every node, the writer last, each back
    /// to Synced before the next, with nothing acknowledged lost. Then a full outage while m3's agent is frozen: its
    /// position is unknown, so the automatic recovery waits; `keel galera bootstrap m1` says that m3's position is
    /// unknown and changes nothing, and with --force m1 bootstraps and the others join.
    /// </summary>
    [Fact]
    public async Task A_rolling_restart_goes_one_node_at_a_time_and_a_forced_bootstrap_says_what_may_be_lost()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, galera: true);
        var home = cluster.Layout.Home;
        await AckedWriter.CreateTableAsync(cluster.ReadWrite);
        var writes = new AckedWriter(cluster.ReadWrite);
        using var stop = new CancellationTokenSource();
        var load = writes.RunAsync(2, stop.Token, pause: TimeSpan.FromMilliseconds(20));
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(writes.Acknowledged.Count > 100 ? "ok" : null), Generous, "writes to get going");

        var pids = (await cluster.ViewAsync()).Members.ToDictionary(kv => kv.Key, kv => kv.Value.ServerPid);
        var (code, err, text) = await KeelProcess.RunAsync(Generous, ["galera", "rolling-restart", "--home", home]);
        output.WriteLine(text + err);
        Assert.True(code == 0, err + text);
        var after = await cluster.ViewAsync();
        Assert.All(cluster.Spec.Members, m => Assert.NotEqual(pids[m.Name], after.Members[m.Name].ServerPid));
        Assert.Contains("restarted and Synced again", text, StringComparison.Ordinal);
        var before = writes.Acknowledged.Count;
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(writes.Acknowledged.Count > before + 100 ? "ok" : null), Generous, "writes to go on after the rolling restart");
        await stop.CancelAsync();
        await load;
        var acked = writes.Acknowledged.ToList();

        // A full outage with m3's agent frozen: its position is unknown.
        var m3Agent = after.Members["m3"].AgentPid!.Value;
        Assert.True(Keel.Os.Signals.Stop(m3Agent, TimeSpan.FromSeconds(5)));
        try
        {
            foreach (var m in cluster.Spec.Members)
            {
                cluster.Server(m.Name).Kill();
            }
            await PlaygroundCluster.EventuallyAsync(async () =>
                (await cluster.ViewAsync()).Members.Values.Any(n => n.Galera is { Recovered: false } g && g.Serves(false) && n.Server == ServerStatus.Running) ? null : "down",
                Generous, "every agent to see its server down");
            var (refused, why, _) = await KeelProcess.RunAsync(Generous, ["galera", "bootstrap", "m1", "--home", home]);
            output.WriteLine(why);
            Assert.Equal(1, refused);
            Assert.Contains("m3's position is unknown", why, StringComparison.Ordinal);
            Assert.Contains("nothing changed", why, StringComparison.Ordinal);

            var (forced, ferr, ftext) = await KeelProcess.RunAsync(Generous, ["galera", "bootstrap", "m1", "--force", "--home", home]);
            output.WriteLine(ftext + ferr);
            Assert.True(forced == 0, ferr + ftext);
            Assert.Contains("operator forced", cluster.AgentLog("m1"), StringComparison.Ordinal);
        }
        finally
        {
            Keel.Os.Signals.Send(m3Agent, Keel.Os.Signals.SigCont);
        }
        await WaitSyncedAsync(cluster, "every node to join m1's Primary Component");
        foreach (var m in cluster.Spec.Members)
        {
            var ids = await IdsAsync(cluster, m.Name);
            var missing = acked.Where(id => !ids.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{m.Name} lacks {missing.Count} acknowledged writes");
        }
    }

    /// <summary>
    /// Two more rows of the Galera fault matrix under writes: a non-writer's server killed -9 (no writer change, it
    /// rejoins), and a node whose server is killed and whose datadir is deleted (it rejoins by a full state transfer,
    /// SST by mariabackup). Nothing acknowledged is lost and every node ends with every acknowledged write.
    /// </summary>
    [Fact]
    public async Task A_killed_reader_rejoins_and_a_node_with_its_datadir_deleted_rejoins_by_state_transfer()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, galera: true);
        await AckedWriter.CreateTableAsync(cluster.ReadWrite);
        var writes = new AckedWriter(cluster.ReadWrite);
        using var stop = new CancellationTokenSource();
        var load = writes.RunAsync(2, stop.Token, pause: TimeSpan.FromMilliseconds(20));
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(writes.Acknowledged.Count > 100 ? "ok" : null), Generous, "writes to get going");
        var writer = (await cluster.ViewAsync()).Leader!.Name;
        var readers = cluster.Spec.Members.Select(m => m.Name).Where(n => n != writer).Order(StringComparer.Ordinal).ToList();

        cluster.Server(readers[0]).Kill();
        output.WriteLine($"killed the reader {readers[0]}'s server");
        await PlaygroundCluster.EventuallyAsync(async () => (await cluster.ViewAsync()).Members[readers[0]].Server == ServerStatus.Running ? null : "down", Generous, $"{readers[0]} to be seen down");
        await WaitSyncedAsync(cluster, $"{readers[0]} to rejoin");
        // The writer stays, unless Galera picked it as the rejoining node's donor: a donating writer gives its key to a
        // Synced node (by design, see GaleraDecider.Serves).
        var nowWriter = (await cluster.ViewAsync()).Leader!.Name;
        if (nowWriter != writer)
        {
            Assert.Contains("no longer serves (Donor", cluster.AgentLog(writer), StringComparison.Ordinal);
        }

        var wiped = readers[1];
        cluster.Server(wiped).Kill();
        var data = cluster.Layout.MemberData(wiped);
        var aside = data + ".deleted-by-test";
        Directory.Move(data, aside); // the test's "deleted": out of the agent's sight, kept for a post-mortem
        output.WriteLine($"killed {wiped}'s server and took its datadir away");
        await PlaygroundCluster.EventuallyAsync(async () => (await cluster.ViewAsync()).Members[wiped].Server == ServerStatus.Running ? null : "down", Generous, $"{wiped} to be seen down");
        await WaitSyncedAsync(cluster, $"{wiped} to rejoin by state transfer");
        Assert.Contains("SST", await File.ReadAllTextAsync(cluster.Server(wiped).ErrorLog), StringComparison.Ordinal);

        var before = writes.Acknowledged.Count;
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(writes.Acknowledged.Count > before + 100 ? "ok" : null), Generous, "writes to go on");
        await stop.CancelAsync();
        await load;
        var acked = writes.Acknowledged.ToList();
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var m in cluster.Spec.Members)
        {
            var ids = await IdsAsync(cluster, m.Name);
            var missing = acked.Where(id => !ids.Contains(id)).ToList();
            output.WriteLine($"{m.Name}: {ids.Count} rows, {acked.Count} acknowledged, {missing.Count} missing");
            Assert.True(missing.Count == 0, $"{m.Name} lacks {missing.Count} acknowledged writes");
        }
    }

    /// <summary>
    /// Two of three nodes killed -9 under writes (the writer and a reader): the survivor is left outside any Primary
    /// Component. It serves nothing: no writes and no reads through either endpoint, its agent's /primary and /replica
    /// say no, and the server itself refuses a write. Then, with nobody serving, the survivor is stopped and the most
    /// advanced node bootstraps; every acknowledged write is kept.
    /// </summary>
    [LongFact] // 75 s; by default the full-outage scenario covers a lost quorum (all three down), not this two-of-three case
    public async Task With_two_of_three_nodes_down_the_survivor_serves_nothing_and_the_cluster_recovers_by_itself()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, galera: true);
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        var view = await cluster.ViewAsync();
        var writer = view.Leader!.Name;
        var survivor = cluster.Spec.Members.Select(m => m.Name).First(n => n != writer);
        var killed = cluster.Spec.Members.Select(m => m.Name).Where(n => n != survivor).ToList();
        checker.FaultNow();
        foreach (var name in killed)
        {
            cluster.Server(name).Kill();
        }
        output.WriteLine($"killed {string.Join(" and ", killed)}; {survivor} survives");

        // Galera suspects the dead nodes after evs.suspect_timeout; the survivor then holds a component of one of three.
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members.TryGetValue(survivor, out var m) && m.Server == ServerStatus.Running
                && m.Galera is { Recovered: false, InPrimaryComponent: false } ? "ok" : null, Generous, $"{survivor} to be outside the Primary Component");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var api = (await cluster.ViewAsync()).Members[survivor].ApiUrl;
        Assert.False((await http.GetAsync($"{api}/primary")).IsSuccessStatusCode, "a node outside the Primary Component must not be /primary");
        Assert.False((await http.GetAsync($"{api}/replica")).IsSuccessStatusCode, "a node outside the Primary Component must not be /replica");
        // Nothing through either endpoint (HAProxy has no backend left), and the server itself refuses a write.
        foreach (var (what, endpoint) in new[] { ("read-write", cluster.ReadWrite), ("read-only", cluster.ReadOnly) })
        {
            await Assert.ThrowsAnyAsync<MySqlException>(async () =>
            {
                await using var c = await MySqlConnection.OpenAsync(endpoint with { ConnectTimeout = TimeSpan.FromSeconds(3), CommandTimeout = TimeSpan.FromSeconds(3) });
                var rows = (await c.QueryAsync("SELECT COUNT(*) FROM acked")).Scalar();
                output.WriteLine($"{what} answered {rows} rows while no Primary Component exists");
            });
        }
        await Assert.ThrowsAnyAsync<MySqlException>(() => cluster.RootQueryAsync(survivor, "INSERT INTO app.acked VALUES (-1, 99, NOW(6))"));
        output.WriteLine($"{survivor} served nothing while outside the Primary Component");
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);

        cluster.Checked(await checker.FinishAsync("two of three Galera nodes killed"));
        var log = string.Join("\n", cluster.Spec.Members.Select(m => cluster.AgentLog(m.Name)));
        Assert.Contains("tried to bootstrap the Primary Component from this node after a full outage", log, StringComparison.Ordinal);
    }

    /// <summary>
    /// Isolated hosts (a network namespace per node): the writer's NIC goes down under writes. The isolated writer is a
    /// minority, outside any Primary Component: its server refuses writes. The majority re-forms the Primary Component,
    /// the writer key expires with the isolated agent's lease and moves, and writes go on. After NIC up the node rejoins;
    /// nothing acknowledged is lost and no write was acknowledged by the minority (every acknowledged write is on every node).
    /// </summary>
    [Fact]
    public async Task The_writer_cut_off_by_its_nic_stops_serving_and_writes_move_to_the_majority()
    {
        Assert.True(Keel.Network.NetworkLab.CannotRunReason() is null, $"this test needs network namespaces: {Keel.Network.NetworkLab.CannotRunReason()}");
        await using var cluster = await PlaygroundCluster.StartAsync(output, isolatedHosts: true, galera: true);
        var lab = await Keel.Network.NetworkLab.OpenAsync(cluster.Spec.LabRunId!, CancellationToken.None);
        lab.Detach(); // the playground's `down` deletes it
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        var writer = (await cluster.ViewAsync()).Leader!.Name;
        checker.FaultNow();
        await lab.NicDownAsync(writer, CancellationToken.None);
        try
        {
            var next = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var v = await cluster.ViewAsync();
                return v.Leader is { } l && l.Name != writer && v.Members.TryGetValue(l.Name, out var m) && m.GaleraServes(allowDonor: false) ? l.Name : null;
            }, Generous, "a new writer in the majority");
            output.WriteLine($"{writer}'s NIC is down; {next} took the writer key");
            // Over its unix socket: the isolated node is outside the Primary Component and refuses writes.
            await PlaygroundCluster.EventuallyAsync(async () =>
                (await cluster.RootQueryAsync(writer, "SHOW STATUS LIKE 'wsrep_cluster_status'")).Rows[0][1] is { } status && status != "Primary" ? status : null,
                Generous, $"{writer} to leave the Primary Component");
            await Assert.ThrowsAnyAsync<MySqlException>(() => cluster.RootQueryAsync(writer, "INSERT INTO app.acked VALUES (-1, 99, NOW(6))"));
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
        }
        finally
        {
            await lab.NicUpAsync(writer, CancellationToken.None);
        }
        cluster.Checked(await checker.FinishAsync("Galera writer NIC down, then up"));
        await WaitSyncedAsync(cluster, $"{writer} to rejoin after NIC up");
    }

}
