using Keel.Bench;
using Keel.Agent.Requests;
using Keel.Core.Model;
using Keel.Playground;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>
/// The seed reports' fault matrix on loopback, each case under write load with the write checker. Every case
/// asserts: no acknowledged write lost, no split brain, one primary with every other member streaming and the same
/// GTID position everywhere (checked in <see cref="WriteChecker.FinishAsync"/>), and the agents' reasons in their logs.
/// </summary>
public sealed class FaultMatrixTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private async Task<(PlaygroundCluster Cluster, WriteChecker Checker, LeaderRecord Leader)> StartAsync()
    {
        var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var checker = await WriteChecker.StartAsync(cluster.Bench);
        return (cluster, checker, (await cluster.ViewAsync()).Leader!);
    }


    private static async Task<string> LogEventuallyContainsAsync(PlaygroundCluster cluster, string member, string sentence) =>
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(cluster.AgentLog(member).Contains(sentence, StringComparison.Ordinal) ? "ok" : null),
            TimeSpan.FromSeconds(15), $"'{sentence}' in the log of {member}");

    /// <summary>Point reads on two connections until cancelled; returns successful and failed reads.</summary>
    private static async Task<(int Ok, int Failed)> ReadLoadAsync(Keel.MySql.MySqlConnectOptions options, CancellationToken ct)
    {
        int ok = 0, failed = 0;
        async Task Reader()
        {
            Keel.MySql.MySqlConnection? c = null;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    c ??= await Keel.MySql.MySqlConnection.OpenAsync(options, ct);
                    await c.QueryAsync("SELECT COUNT(*) FROM acked WHERE id < 1000", ct);
                    Interlocked.Increment(ref ok);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
                catch (Keel.MySql.MySqlException)
                {
                    Interlocked.Increment(ref failed);
                    if (c is not null)
                    {
                        await c.DisposeAsync();
                        c = null;
                    }
                }
            }
            if (c is not null)
            {
                await c.DisposeAsync();
            }
        }
        await Task.WhenAll(Reader(), Reader());
        return (ok, failed);
    }

    [Fact]
    public async Task Replica_server_killed_under_load_is_restarted_and_rejoins_with_no_failed_write()
    {
        var (cluster, checker, leader) = await StartAsync();
        await using (cluster)
        await using (checker)
        {
            var replica = cluster.Spec.Members.First(m => m.Name != leader.Name).Name;
            var pid = cluster.Server(replica).RunningPid();
            checker.FaultNow();
            cluster.Server(replica).Kill();
            await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var v = await cluster.ViewAsync();
                return v.Members.TryGetValue(replica, out var m) && m.ServerPid != pid && m.IoRunning && m.SqlRunning ? "ok" : null;
            }, Generous, $"{replica} to come back streaming");
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
            var r = cluster.Checked(await checker.FinishAsync("replica mariadbd kill -9"));
            Assert.Equal(0, r.FailedWrites);
            var after = (await cluster.ViewAsync()).Leader!;
            Assert.Equal((leader.Name, leader.CreateRevision), (after.Name, after.CreateRevision));
            await LogEventuallyContainsAsync(cluster, replica, "started the local server read-only because it was not running");
        }
    }

    [Fact]
    public async Task Primary_server_killed_under_load_fails_over_and_the_old_primary_rejoins_by_itself()
    {
        var (cluster, checker, leader) = await StartAsync();
        await using (cluster)
        await using (checker)
        {
            var before = await cluster.ViewAsync();
            var loopsBefore = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var m in before.Members.Values.Where(m => m.Name != leader.Name))
            {
                var text = await Scrape.TextAsync(m.ApiUrl, cluster.Spec.ClientTls);
                Assert.Equal(0, Scrape.Value(text, "keel_failovers_total"));
                loopsBefore[m.Name] = Scrape.Value(text, "keel_ha_loop_seconds_count") ?? 0;
            }
            // A tool watching one replica's event stream sees the decisions and the leadership change as they happen.
            var watched = before.Members.Values.First(m => m.Name != leader.Name);
            await using var events = new Scrape.EventStream(watched.ApiUrl, cluster.Spec.ClientTls);
            await events.Live.WaitAsync(TimeSpan.FromSeconds(30));
            checker.FaultNow();
            cluster.Server(leader.Name).Kill();
            var next = await cluster.WaitForNewPrimaryAsync(leader.Name);
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
            cluster.Checked(await checker.FinishAsync("primary mariadbd kill -9"));
            var view = await cluster.ViewAsync();
            await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(
                events.Data("leader").Any(d => d.Contains($"{next} holds the leader key now", StringComparison.Ordinal)) ? "ok" : null),
                TimeSpan.FromSeconds(30), $"a leader event naming {next} on {watched.Name}'s /events");
            Assert.NotEmpty(events.Data("decision"));
            output.WriteLine("events seen: " + string.Join(" | ", events.Data("leader")));

            // The new primary's /metrics counted the failover and timed it; the loop, etcd and lag series moved.
            var promoted = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var text = await Scrape.TextAsync(view.Members[next].ApiUrl, cluster.Spec.ClientTls);
                return Scrape.Value(text, "keel_failovers_total") == 1 ? text : null;
            }, TimeSpan.FromSeconds(30), $"{next}'s keel_failovers_total to be 1");
            output.WriteLine($"FIGURES failover by the new primary's metrics: {Scrape.Value(promoted, "keel_failover_duration_seconds_sum"):0.000} s");
            Assert.Equal(1, Scrape.Value(promoted, "keel_failover_duration_seconds_count"));
            Assert.InRange(Scrape.Value(promoted, "keel_failover_duration_seconds_sum")!.Value, 0, 30);
            Assert.Equal(0, Scrape.Value(promoted, "keel_switchovers_total"));
            Assert.Equal(1, Scrape.Value(promoted, "keel_primary"));
            Assert.Equal(0, Scrape.Value(promoted, "keel_replication_lag_seconds"));
            Assert.True(Scrape.Value(promoted, "keel_decisions_total", "action=\"Promote\"") >= 1, "a Promote decision is counted");
            Assert.True(Scrape.Value(promoted, "keel_ha_loop_seconds_count") > loopsBefore[next], "the HA loop histogram moved");
            Assert.True(Scrape.Value(promoted, "keel_etcd_request_seconds_count", "operation=\"txn\"") >= 1, "etcd transactions are timed");
            Assert.True(Scrape.Value(promoted, "keel_gtid_binlog_sequence", "domain=\"0\"") > 0, "the GTID sequence is exported");
            var other = view.Members.Keys.Single(n => n != next && n != leader.Name);
            var replica = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var text = await Scrape.TextAsync(view.Members[other].ApiUrl, cluster.Spec.ClientTls);
                return Scrape.Value(text, "keel_replication_lag_seconds") >= 0 ? text : null;
            }, TimeSpan.FromSeconds(30), $"{other} to measure its lag behind {next}");
            Assert.Equal(0, Scrape.Value(replica, "keel_failovers_total"));
            Assert.InRange(Scrape.Value(replica, "keel_replication_lag_seconds")!.Value, 0, 30);
            Assert.Equal(next, view.Members[leader.Name].Following);
            await LogEventuallyContainsAsync(cluster, leader.Name, "released the leader key because the local server is not running");
            await LogEventuallyContainsAsync(cluster, next, "promoted the local server to primary");
        }
    }

    [Fact]
    public async Task Replica_agent_killed_under_load_is_restarted_with_no_failover_and_no_failed_write()
    {
        var (cluster, checker, leader) = await StartAsync();
        await using (cluster)
        await using (checker)
        {
            var replica = (await cluster.ViewAsync()).Members.Values.First(m => m.Name != leader.Name);
            // The seed report ran this case under a read-only load on the primary too: read through the read-write port.
            using var stopReading = new CancellationTokenSource();
            var reads = ReadLoadAsync(cluster.ReadWrite, stopReading.Token);
            checker.FaultNow();
            ProcessTools.Signal(replica.AgentPid!.Value, ProcessTools.SigKill);
            await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var v = await cluster.ViewAsync();
                return v.Members.TryGetValue(replica.Name, out var m) && m.AgentPid != replica.AgentPid && m.IoRunning ? "ok" : null;
            }, Generous, $"the agent of {replica.Name} to come back");
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
            await stopReading.CancelAsync();
            var (ok, failed) = await reads;
            Assert.True(ok > 0, "the read load did not run");
            Assert.Equal(0, failed);
            var r = cluster.Checked(await checker.FinishAsync("replica agent killed"));
            Assert.Equal(0, r.FailedWrites);
            var after = (await cluster.ViewAsync()).Leader!;
            Assert.Equal((leader.Name, leader.CreateRevision), (after.Name, after.CreateRevision));
            Assert.Equal(replica.ServerPid, (await cluster.ViewAsync()).Members[replica.Name].ServerPid);
        }
    }

    [Fact]
    public async Task Primary_agent_down_past_the_ttl_fails_over_and_its_still_running_server_acknowledges_nothing_more()
    {
        var (cluster, checker, leader) = await StartAsync();
        await using (cluster)
        await using (checker)
        {
            var agentPid = (await cluster.ViewAsync()).Members[leader.Name].AgentPid!.Value;
            var serverPid = cluster.Server(leader.Name).RunningPid();
            // SIGSTOP rather than kill: the supervisor would restart a killed agent within the TTL.
            checker.FaultNow();
            ProcessTools.Signal(agentPid, 19);
            try
            {
                var next = await cluster.WaitForNewPrimaryAsync(leader.Name);
                Assert.NotNull(cluster.Server(leader.Name).RunningPid()); // the old server kept running all along
                await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
                _ = next;
            }
            finally
            {
                ProcessTools.Signal(agentPid, 18);
            }
            var r = cluster.Checked(await checker.FinishAsync("primary agent down past the TTL"));
            var view = await cluster.ViewAsync();
            Assert.NotEqual(leader.Name, view.Leader!.Name);
            Assert.True(view.Members[leader.Name].IoRunning);
            _ = serverPid;
            _ = r;
        }
    }

    [Fact]
    public async Task Primary_agent_and_server_paused_past_the_ttl_never_make_two_writers_and_the_resumed_member_rejoins()
    {
        var (cluster, checker, leader) = await StartAsync();
        await using (cluster)
        await using (checker)
        {
            var agentPid = (await cluster.ViewAsync()).Members[leader.Name].AgentPid!.Value;
            var serverPid = cluster.Server(leader.Name).RunningPid()!.Value;
            checker.FaultNow();
            ProcessTools.Signal(agentPid, 19);
            ProcessTools.Signal(serverPid, 19);
            try
            {
                await cluster.WaitForNewPrimaryAsync(leader.Name);
                await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
            }
            finally
            {
                ProcessTools.Signal(serverPid, 18);
                ProcessTools.Signal(agentPid, 18);
            }
            cluster.Checked(await checker.FinishAsync("primary agent + mariadbd paused past the TTL"));
            var view = await cluster.ViewAsync();
            Assert.NotEqual(leader.Name, view.Leader!.Name);
            Assert.Equal(view.Leader.Name, view.Members[leader.Name].Following);
        }
    }

    [Fact]
    public async Task Two_faults_in_a_row_complete_a_second_failover_without_losing_a_write()
    {
        var (cluster, checker, leader) = await StartAsync();
        await using (cluster)
        await using (checker)
        {
            checker.FaultNow();
            cluster.Server(leader.Name).Kill();
            var second = await cluster.WaitForNewPrimaryAsync(leader.Name);
            var secondKey = (await cluster.ViewAsync()).Leader!.CreateRevision;
            cluster.Server(second).Kill();
            // A new election, not necessarily a new member: while the first primary's server is still restarting,
            // what it holds is unknown, so the others wait for it, and the second primary, restarted with every
            // transaction, may well win again.
            await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var v = await cluster.ViewAsync();
                return v.Leader is { } l && l.CreateRevision != secondKey && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l.Name : null;
            }, Generous, "a writable primary elected after the second fault");
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
            cluster.Checked(await checker.FinishAsync("new primary killed right after a failover"));
        }
    }

    [Fact]
    public async Task Planned_switchover_under_load_is_lossless_and_refusals_change_nothing()
    {
        var (cluster, checker, leader) = await StartAsync();
        await using (cluster)
        await using (checker)
        {
            var requests = new OperatorRequests(cluster.Store, TimeProvider.System);
            var refused = await requests.SwitchoverAsync("nobody", 10, CancellationToken.None);
            Assert.False(refused.Accepted);
            Assert.Null((await cluster.ViewAsync()).Request);

            checker.FaultNow();
            var plan = await requests.SwitchoverAsync(null, 10, CancellationToken.None);
            Assert.True(plan.Accepted, plan.Message);
            Assert.True(await requests.WaitForPrimaryAsync(plan.Request!.To, Generous, CancellationToken.None));
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
            cluster.Checked(await checker.FinishAsync("planned switchover"));
            var view = await cluster.ViewAsync();
            Assert.Equal(plan.Request.To, view.Leader!.Name);
            Assert.Equal(plan.Request.To, view.Members[leader.Name].Following);
            var history = await cluster.Store.ReadHistoryAsync(CancellationToken.None);
            Assert.Contains(history, h => h.OldPrimary == leader.Name && h.NewPrimary == plan.Request.To && h.Reason.Contains("switchover", StringComparison.Ordinal));
            // The same history as JSON, for tools.
            var (_, _, historyJson) = await KeelProcess.RunAsync(Generous, "history", "--format", "json", "--home", cluster.Layout.Home);
            using (var parsed = System.Text.Json.JsonDocument.Parse(historyJson))
            {
                Assert.Contains(parsed.RootElement.EnumerateArray(), e => e.TryGetProperty("old_primary", out var old) && old.GetString() == leader.Name
                    && e.GetProperty("new_primary").GetString() == plan.Request.To && e.GetProperty("reason").GetString()!.Contains("switchover", StringComparison.Ordinal));
            }
            // Counted as a switchover (not a failover) by the new primary, with its duration.
            var text = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var t = await Scrape.TextAsync(view.Members[plan.Request.To].ApiUrl, cluster.Spec.ClientTls);
                return Scrape.Value(t, "keel_switchovers_total") == 1 ? t : null;
            }, TimeSpan.FromSeconds(30), $"{plan.Request.To}'s keel_switchovers_total to be 1");
            output.WriteLine($"FIGURES switchover by the new primary's metrics: {Scrape.Value(text, "keel_switchover_duration_seconds_sum"):0.000} s");
            Assert.Equal(0, Scrape.Value(text, "keel_failovers_total"));
            Assert.Equal(1, Scrape.Value(text, "keel_switchover_duration_seconds_count"));
            Assert.InRange(Scrape.Value(text, "keel_switchover_duration_seconds_sum")!.Value, 0, 30);
        }
    }
}
