using System.Diagnostics;
using Keel.Bench;
using Keel.Core.Model;
using Keel.MySql;
using Keel.Playground;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Elections when what a member holds is unknown: "unknown is not no", against real servers.</summary>
public sealed class ElectionSafetyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Replica A alone acknowledges commits (B's IO thread is stopped, A's SQL thread too, so they sit in A's relay log),
    /// then A's server and the primary's server die. B must not be promoted while A is down, and A, restarted, must
    /// recover the commits from its relay log (MariaDB discards it at the next START SLAVE) before anyone is chosen.
    /// </summary>
    [Fact]
    public async Task A_crashed_replica_that_alone_acknowledged_commits_is_waited_for_and_recovers_them_from_its_relay_log()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var primary = (await cluster.ViewAsync()).Leader!.Name;
        var (a, b) = (cluster.Spec.Members.Select(m => m.Name).First(n => n != primary), cluster.Spec.Members.Select(m => m.Name).Last(n => n != primary));

        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await rw.QueryAsync("CREATE TABLE double_fault (id INT PRIMARY KEY)");
            await rw.QueryAsync("INSERT INTO double_fault VALUES (0)");
        }
        await cluster.WaitForHealthyAsync(Generous);

        // Maintenance mode keeps the agents from restarting replication (or servers) while the fault is set up.
        await cluster.Store.SetPausedAsync(true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.RootQueryAsync(b, "STOP SLAVE IO_THREAD");
        await cluster.RootQueryAsync(a, "STOP SLAVE SQL_THREAD");

        var acknowledged = new List<int>();
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            for (var id = 1; id <= 10; id++)
            {
                await rw.QueryAsync($"INSERT INTO double_fault VALUES ({id})", timeout: TimeSpan.FromSeconds(20));
                acknowledged.Add(id);
            }
        }
        output.WriteLine($"acknowledged by {a} alone: {string.Join(",", acknowledged)}");

        cluster.Server(a).Kill();
        cluster.Server(primary).Kill();
        await cluster.Store.SetPausedAsync(false, CancellationToken.None);

        var next = await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.Leader is { } l && l.Name != primary && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l.Name : null;
        }, Generous, "a new writable primary");
        output.WriteLine($"new primary: {next}");

        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            var rows = await rw.QueryAsync("SELECT id FROM double_fault WHERE id > 0 ORDER BY id");
            Assert.Equal(acknowledged.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Rows.Select(r => r[0]));
        }
        Assert.Contains("left in the relay log by the crash", cluster.AgentLog(a), StringComparison.Ordinal);

        // Everyone converges on the new primary with every acknowledged row and no errant transaction.
        await cluster.WaitForHealthyAsync(Generous);
        foreach (var member in cluster.Spec.Members.Select(m => m.Name))
        {
            var count = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var c = (await cluster.RootQueryAsync(member, "SELECT COUNT(*) FROM app.double_fault WHERE id > 0")).Scalar();
                return c == "10" ? c : null;
            }, Generous, $"every acknowledged row on {member}");
            Assert.Equal("10", count);
        }
    }

    private const int SigStop = 19;
    private const int SigCont = 18;


    /// <summary>
    /// The primary's mariadbd hangs (SIGSTOP) for 40 s while its agent runs. The agent releases the key after one TTL
    /// of silence (6 s here), a replica takes over, and the resumed server, writable without the key and with commits
    /// waiting for acknowledgements that cannot come, is demoted (killed and restarted: crash recovery truncates them)
    /// and rejoins. The write checker's direct writers prove it acknowledged nothing after it resumed.
    /// </summary>
    [Fact]
    public async Task A_hung_primary_server_with_its_agent_alive_is_failed_over_after_a_ttl_and_rejoins_when_it_resumes()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        var leader = (await cluster.ViewAsync()).Leader!.Name;
        var pid = cluster.Server(leader).RunningPid()!.Value;
        var hung = Stopwatch.StartNew();
        checker.FaultNow();
        ProcessTools.Signal(pid, SigStop);
        string next;
        try
        {
            next = await cluster.WaitForNewPrimaryAsync(leader);
            output.WriteLine($"{next} is the writable primary {hung.Elapsed.TotalSeconds:0.0} s after {leader}'s server hung");
            // The bound: one TTL (6 s) of silence, the probe's timeout, a tick and the promotion, with room for a slow machine.
            Assert.True(hung.Elapsed < TimeSpan.FromSeconds(30), $"failover took {hung.Elapsed}");
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
            var rest = TimeSpan.FromSeconds(40) - hung.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
        finally
        {
            ProcessTools.Signal(pid, SigCont);
        }
        await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.Members.TryGetValue(leader, out var m) && m.Following == next && m.IoRunning && m.SqlRunning ? "ok" : null;
        }, Generous, $"{leader} to rejoin as a replica of {next}");
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        cluster.Checked(await checker.FinishAsync("primary mariadbd hung 40 s, agent alive"));
        Assert.Contains("released the leader key because the local server has not answered for", cluster.AgentLog(leader), StringComparison.Ordinal);
    }

    /// <summary>
    /// A replica's agent is stopped (its key expires) while its server keeps replicating and acknowledging; then the
    /// primary's server is killed. Nobody may be promoted while that member is silent: its server may hold
    /// acknowledged commits the others lack. When its agent comes back the election completes with nothing lost.
    /// </summary>
    [Fact]
    public async Task A_replica_whose_agent_is_down_but_whose_server_runs_blocks_the_election_until_it_is_heard_from()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        var view = await cluster.ViewAsync();
        var leader = view.Leader!.Name;
        var silent = view.Members.Values.First(m => m.Name != leader);
        var other = view.Members.Values.First(m => m.Name != leader && m.Name != silent.Name).Name;
        ProcessTools.Signal(silent.AgentPid!.Value, SigStop);
        try
        {
            await PlaygroundCluster.EventuallyAsync(async () => (await cluster.ViewAsync()).Members.ContainsKey(silent.Name) ? null : "gone",
                Generous, $"the member key of {silent.Name} to expire");
            checker.FaultNow();
            cluster.Server(leader).Kill();
            var waiting = $"waiting for {silent.Name}, whose agent has published no state";
            await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(cluster.AgentLog(other).Contains(waiting, StringComparison.Ordinal) ? "ok" : null),
                Generous, $"{other} to wait for {silent.Name}");
            await Task.Delay(TimeSpan.FromSeconds(3));
            var during = await cluster.ViewAsync();
            Assert.True(during.Leader is null || during.Leader.Name == leader, $"{during.Leader?.Name} was promoted while {silent.Name} was silent");
            // Why nothing happens, machine-readable: in keel status's JSON and as a metric label on the waiting member.
            var (_, err, json) = await KeelProcess.RunAsync(Generous, ["status", "--format", "json", "--home", cluster.Layout.Home]);
            output.WriteLine(json + err);
            Assert.Contains("\"unknown_position\"", json, StringComparison.Ordinal);
            using var http = cluster.Spec.ApiClient(TimeSpan.FromSeconds(5));
            var metrics = await http.GetStringAsync($"{during.Members[other].ApiUrl}/metrics");
            Assert.Contains(metrics.Split('\n'), l => l.StartsWith("keel_failover_blocked{", StringComparison.Ordinal) && l.Contains("reason=\"unknown_position\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        }
        finally
        {
            ProcessTools.Signal(silent.AgentPid!.Value, SigCont);
        }
        await cluster.WaitForNewPrimaryAsync(leader);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
        cluster.Checked(await checker.FinishAsync("replica agent down, then primary killed"));
    }

    /// <summary>
    /// A switchover handed over to a target whose agent froze right then: nobody takes the key, the request expires,
    /// and the old primary, the last leader and read-only since with every acknowledged transaction, takes it back
    /// instead of leaving the cluster without a primary until the target's agent returns.
    /// </summary>
    [Fact]
    public async Task A_switchover_whose_target_freezes_after_the_handover_expires_and_the_old_primary_takes_the_key_back()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        var view = await cluster.ViewAsync();
        var leader = view.Leader!.Name;
        var target = view.Members.Values.First(m => m.Name != leader);
        checker.FaultNow();
        ProcessTools.Signal(target.AgentPid!.Value, SigStop);
        try
        {
            var plan = await new Keel.Agent.Requests.OperatorRequests(cluster.Store, TimeProvider.System).SwitchoverAsync(target.Name, 10, CancellationToken.None);
            Assert.True(plan.Accepted, plan.Message);
            await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(cluster.AgentLog(leader).Contains($"handed over to {target.Name}", StringComparison.Ordinal) ? "ok" : null),
                Generous, $"{leader} to hand over to {target.Name}");
            var back = await PlaygroundCluster.EventuallyAsync(async () => (await cluster.ViewAsync()).Leader is { } l && l.Name == leader && l.CreateRevision != view.Leader.CreateRevision ? l : null,
                TimeSpan.FromSeconds(90), $"{leader} to take the leader key back while {target.Name}'s agent is frozen");
            Assert.Contains("expired without " + target.Name + " taking over", cluster.AgentLog(leader), StringComparison.Ordinal);
            output.WriteLine($"{leader} took the key back (revision {back.CreateRevision})");
        }
        finally
        {
            ProcessTools.Signal(target.AgentPid!.Value, SigCont);
        }
        // The target's agent comes back to a cluster with a primary and follows it; nothing acknowledged was lost.
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members.TryGetValue(target.Name, out var t) && t.Following == leader && t.IoRunning && t.SqlRunning ? "ok" : null,
            Generous, $"{target.Name} to replicate from {leader} again");
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
        cluster.Checked(await checker.FinishAsync("switchover target's agent frozen after the handover"));
    }

    /// <summary>A member record that does not parse (a foreign or broken writer) never stalls an election.</summary>
    [Fact]
    public async Task A_malformed_peer_record_does_not_stop_a_failover()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var leader = (await cluster.ViewAsync()).Leader!.Name;
        await cluster.Etcd.PutAsync(cluster.Store.Keys.Member("m9"),
            """{"name":"m9","host":"127.0.0.1","port":1,"api_url":"http://127.0.0.1:1","server":"Running","read_only":true,"binlog_position":"0-1-not-a-number","received_position":"garbage"}""");
        cluster.Server(leader).Kill();
        var next = await cluster.WaitForNewPrimaryAsync(leader);
        Assert.Contains("set aside the published state of m9", cluster.AgentLog(next), StringComparison.Ordinal);
    }

    /// <summary>
    /// etcd comes back empty (its data moved aside, as a wiped or replaced etcd would) under write load. The primary
    /// must not stay writable without a leader key; the members that remember the cluster re-create it, and the usual
    /// election brings the cluster back by itself with nothing lost and never two writers.
    /// </summary>
    [Fact]
    public async Task When_etcd_comes_back_empty_under_write_load_the_cluster_recovers_by_itself_with_nothing_lost()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        var before = (await cluster.ViewAsync()).Leader!;
        var etcd = cluster.Runner.Etcd(cluster.Spec);
        checker.FaultNow();
        etcd.KillAll();
        foreach (var member in etcd.Members)
        {
            var aside = etcd.DataDir(member.Name) + ".wiped-by-test";
            Directory.Move(etcd.DataDir(member.Name), aside);
            output.WriteLine($"moved the data of etcd member {member.Name} aside to {aside}");
        }
        var wiped = Stopwatch.StartNew();
        await etcd.StartAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var leader = await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.IsInitialized && v.Leader is { } l && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l : null;
        }, Generous, "a writable primary after etcd came back empty");
        output.WriteLine($"{leader.Name} is the writable primary {wiped.Elapsed.TotalSeconds:0.0} s after etcd came back empty (before: {before.Name})");
        await cluster.WaitForHealthyAsync(Generous);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
        cluster.Checked(await checker.FinishAsync("etcd emptied under write load"));
        var logs = string.Join("\n", cluster.Spec.Members.Select(m => cluster.AgentLog(m.Name)));
        Assert.Contains("re-created the initialize key because this member remembers the cluster", logs, StringComparison.Ordinal);
    }

    /// <summary>
    /// etcd restored from an older snapshot under write load: the snapshot's leader key names the former primary
    /// (which, after a failover, is a replica; its agent may even still renew the lease the key was made with), and
    /// the member states are from the past. Keys from the past must not make that member the leader: the agents
    /// compare the store's revision with the highest they saw (kept on local disk), set the old keys aside, the
    /// current primary stops taking writes at once, and the usual election brings the cluster back with nothing lost.
    /// </summary>
    [Fact]
    public async Task When_etcd_is_restored_from_an_older_snapshot_keys_from_the_past_make_no_leader_and_nothing_is_lost()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var etcd = cluster.Runner.Etcd(cluster.Spec);
        var snapshot = Path.Combine(cluster.Layout.Home, "before-failover.db");
        var staleKey = (await cluster.ViewAsync()).Leader!;
        var old = staleKey.Name;
        await etcd.SaveSnapshotAsync(snapshot, CancellationToken.None);
        output.WriteLine($"snapshot saved while {old} was the primary");

        cluster.Server(old).Kill();
        var current = await cluster.WaitForNewPrimaryAsync(old);
        await cluster.WaitForHealthyAsync(Generous);
        output.WriteLine($"{current} is the primary; {old} follows it");

        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 100);
        checker.FaultNow();
        var restored = Stopwatch.StartNew();
        var aside = await etcd.RestoreSnapshotAsync(snapshot, CancellationToken.None);
        output.WriteLine($"etcd restored from the snapshot; its data before the restore is in {string.Join(", ", aside)}");
        var view = await cluster.ViewAsync();
        output.WriteLine($"right after the restore the store names {view.Leader?.Name ?? "nobody"} as the leader");

        var leader = await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            // The snapshot's leader key (its create revision) must be gone; the agents may have made the new one before the first read here.
            return v.Leader is { } l && l.CreateRevision != staleKey.CreateRevision && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l : null;
        }, Generous, "a writable primary with a leader key made after the restore");
        output.WriteLine($"{leader.Name} is the writable primary {restored.Elapsed.TotalSeconds:0.0} s after the restore");
        await cluster.WaitForHealthyAsync(Generous);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
        cluster.Checked(await checker.FinishAsync("etcd restored from an older snapshot"));
        var logs = string.Join("\n", cluster.Spec.Members.Select(m => cluster.AgentLog(m.Name)));
        Assert.Contains("treated as from the past", logs, StringComparison.Ordinal);
    }

    /// <summary>
    /// Both replicas stop replicating while their agents are stopped, so no replica can acknowledge. With lossless
    /// semi-sync every commit would hang; instead the primary turns read-only after no_replica_timeout (3 s) and a
    /// client gets an immediate read-only error. It keeps the leader key, and is writable again as soon as a replica
    /// acknowledges. Never asynchronous.
    /// </summary>
    [Fact]
    public async Task A_primary_that_no_replica_can_acknowledge_fails_writes_at_once_and_takes_them_again_when_one_returns()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "10s");
        var view = await cluster.ViewAsync();
        var leader = view.Leader!;
        var replicas = view.Members.Values.Where(m => m.Name != leader.Name).ToList();
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await rw.QueryAsync("CREATE TABLE hold_probe (id INT PRIMARY KEY)");
        }
        foreach (var r in replicas)
        {
            ProcessTools.Signal(r.AgentPid!.Value, SigStop);
        }
        try
        {
            foreach (var r in replicas)
            {
                await cluster.RootQueryAsync(r.Name, "STOP SLAVE");
            }
            await PlaygroundCluster.EventuallyAsync(async () =>
                (await cluster.RootQueryAsync(leader.Name, "SELECT @@global.read_only")).Scalar() == "1" ? "ok" : null,
                TimeSpan.FromSeconds(20), $"{leader.Name} to turn read-only with no replica connected");
            await using var direct = await MySqlConnection.OpenAsync(cluster.Bench.Direct(leader.Name));
            var watch = Stopwatch.StartNew();
            var refused = await Assert.ThrowsAsync<MySqlServerException>(() => direct.QueryAsync("INSERT INTO hold_probe VALUES (1)", timeout: TimeSpan.FromSeconds(10)));
            output.WriteLine($"a write to {leader.Name} failed after {watch.Elapsed.TotalMilliseconds:0} ms: {refused.Message}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the write took {watch.Elapsed} to fail");
            Assert.Contains("no replica has been connected to acknowledge commits", cluster.AgentLog(leader.Name), StringComparison.Ordinal);
            var during = (await cluster.ViewAsync()).Leader!;
            Assert.Equal((leader.Name, leader.CreateRevision), (during.Name, during.CreateRevision));
        }
        finally
        {
            foreach (var r in replicas)
            {
                ProcessTools.Signal(r.AgentPid!.Value, SigCont);
            }
        }
        await cluster.WaitForHealthyAsync(Generous);
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await rw.QueryAsync("INSERT INTO hold_probe VALUES (2)", timeout: TimeSpan.FromSeconds(20));
        }
        Assert.Equal(leader.CreateRevision, (await cluster.ViewAsync()).Leader!.CreateRevision);
        Assert.Contains("writable again because a replica is connected", cluster.AgentLog(leader.Name), StringComparison.Ordinal);
    }

    /// <summary>
    /// The primary's agent is frozen (SIGSTOP) while its server runs. The watchdog beside it sees the agent's promise
    /// run out (one demote margin before the lease can expire) and makes the server read-only, so a client writing
    /// straight to it gets an error at once instead of a commit that hangs; then a replica takes over as usual.
    /// </summary>
    [Fact]
    public async Task The_watchdog_fences_the_server_of_a_frozen_primary_agent_so_direct_writes_fail_at_once()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var leader = (await cluster.ViewAsync()).Leader!;
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await rw.QueryAsync("CREATE TABLE fence_probe (id INT PRIMARY KEY)");
        }
        var agentPid = (await cluster.ViewAsync()).Members[leader.Name].AgentPid!.Value;
        var frozen = Stopwatch.StartNew();
        ProcessTools.Signal(agentPid, SigStop);
        try
        {
            await PlaygroundCluster.EventuallyAsync(async () =>
                (await cluster.RootQueryAsync(leader.Name, "SELECT @@global.read_only")).Scalar() == "1" ? "ok" : null,
                TimeSpan.FromSeconds(20), $"the watchdog to make {leader.Name} read-only");
            output.WriteLine($"{leader.Name} read-only {frozen.Elapsed.TotalSeconds:0.0} s after its agent froze (ttl 6 s)");
            await using var direct = await MySqlConnection.OpenAsync(cluster.Bench.Direct(leader.Name));
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<MySqlServerException>(() => direct.QueryAsync("INSERT INTO fence_probe VALUES (1)", timeout: TimeSpan.FromSeconds(10)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the direct write took {watch.Elapsed} to fail");
            await cluster.WaitForNewPrimaryAsync(leader.Name);
        }
        finally
        {
            ProcessTools.Signal(agentPid, SigCont);
        }
        var log = await File.ReadAllTextAsync(cluster.Layout.WatchdogLog(leader.Name));
        Assert.Contains("promised ran out", log, StringComparison.Ordinal);
        await cluster.WaitForHealthyAsync(Generous);
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await rw.QueryAsync("INSERT INTO fence_probe VALUES (2)", timeout: TimeSpan.FromSeconds(20));
        }
    }

    /// <summary>
    /// A commit the primary wrote to its binlog but no replica acknowledged (both IO threads stopped) is truncated by
    /// crash recovery when the primary is killed and restarted: its agent lists it by GTID in its log and in the
    /// history, and keeps the binlog events in a file the receipt names.
    /// </summary>
    [Fact]
    public async Task A_former_primary_leaves_a_loss_receipt_for_the_transactions_crash_recovery_truncated()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var view = await cluster.ViewAsync();
        var leader = view.Leader!.Name;
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await rw.QueryAsync("CREATE TABLE receipt_probe (id INT PRIMARY KEY)");
        }
        await cluster.WaitForHealthyAsync(Generous);
        await cluster.Store.SetPausedAsync(true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var replica in view.Members.Keys.Where(n => n != leader))
        {
            await cluster.RootQueryAsync(replica, "STOP SLAVE IO_THREAD");
        }
        await using (var direct = await MySqlConnection.OpenAsync(cluster.Bench.Direct(leader)))
        {
            // Written to the binlog, then waiting for an acknowledgement that cannot come: never acknowledged.
            await Assert.ThrowsAsync<MySqlTimeoutException>(() => direct.QueryAsync("INSERT INTO receipt_probe VALUES (42)", timeout: TimeSpan.FromSeconds(2)));
        }
        var written = (await cluster.RootQueryAsync(leader, "SELECT @@global.gtid_binlog_pos")).Scalar();
        output.WriteLine($"{leader} wrote {written} to its binlog without an acknowledgement");
        cluster.Server(leader).Kill();
        await cluster.Store.SetPausedAsync(false, CancellationToken.None);

        var receipt = await PlaygroundCluster.EventuallyAsync(() =>
        {
            var line = cluster.AgentLog(leader).Split('\n').FirstOrDefault(l => l.Contains("loss receipt: crash recovery truncated 1 transaction(s)", StringComparison.Ordinal));
            return Task.FromResult(line);
        }, Generous, $"the loss receipt of {leader}");
        output.WriteLine(receipt);
        Assert.Contains($"({written})", receipt, StringComparison.Ordinal);
        var folder = Path.Combine(Path.GetDirectoryName(cluster.Layout.AgentLog(leader))!, "loss-receipts");
        var kept = Assert.Single(Directory.GetDirectories(folder));
        Assert.True(File.Exists(Path.Combine(kept, "receipt.txt")));
        Assert.Contains(Directory.GetFiles(kept), f => Path.GetFileName(f).StartsWith("mysql-bin.", StringComparison.Ordinal));
        var history = await cluster.Store.ReadHistoryAsync(CancellationToken.None);
        Assert.Contains(history, h => h.Reason.Contains(written!, StringComparison.Ordinal) && h.Reason.StartsWith("loss receipt", StringComparison.Ordinal));

        await cluster.WaitForHealthyAsync(Generous);
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            Assert.Equal("0", (await rw.QueryAsync("SELECT COUNT(*) FROM receipt_probe WHERE id = 42")).Scalar());
        }
    }
}
