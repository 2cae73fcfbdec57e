using Keel.Bench;
using Keel.Core.Gtid;
using Keel.Core.Model;
using Keel.MySql;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>The foundation's end-to-end cases against a real playground.</summary>
public sealed class PlaygroundTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Up_gives_one_writable_primary_and_two_streaming_semi_sync_replicas_and_reads_see_writes()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var view = await cluster.ViewAsync();
        var leader = view.Leader!.Name;
        Assert.Equal(3, view.Members.Count);
        Assert.All(view.Members.Values.Where(m => m.Name != leader), r =>
        {
            Assert.True(r.IoRunning && r.SqlRunning, $"{r.Name} should stream");
            Assert.Equal(leader, r.Following);
            Assert.True(r.SemiSync, $"{r.Name} should have semi-sync on");
        });

        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            Assert.Equal(cluster.Member(leader).MySqlPort.ToString(System.Globalization.CultureInfo.InvariantCulture), (await rw.QueryAsync("SELECT @@port")).Scalar());
            await rw.QueryAsync("CREATE TABLE greeting (id INT PRIMARY KEY, text VARCHAR(40))");
            await rw.QueryAsync("INSERT INTO greeting VALUES (1, 'written through the read-write port')");
            Assert.Equal("ON", (await cluster.RootQueryAsync(leader, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_STATUS'")).Scalar());
        }

        var text = await PlaygroundCluster.EventuallyAsync(async () =>
        {
            await using var ro = await MySqlConnection.OpenAsync(cluster.ReadOnly);
            var port = (await ro.QueryAsync("SELECT @@port")).Scalar();
            Assert.NotEqual(cluster.Member(leader).MySqlPort.ToString(System.Globalization.CultureInfo.InvariantCulture), port);
            return (await ro.QueryAsync("SELECT text FROM greeting WHERE id = 1")).Scalar();
        }, Generous, "the row to be readable through the read-only port");
        Assert.Equal("written through the read-write port", text);

        await using var roConn = await MySqlConnection.OpenAsync(cluster.ReadOnly);
        var refused = await Assert.ThrowsAsync<MySqlServerException>(() => roConn.QueryAsync("INSERT INTO greeting VALUES (2, 'must fail')"));
        Assert.Equal(1290, refused.Code); // ER_OPTION_PREVENTS_STATEMENT: --read-only

        // TLS by default: clients through the endpoint and straight to a member talk TLS with verified certificates,
        // a plain-text client is refused where TLS is required, and replication runs over TLS, verifying its source.
        await using (var rwTls = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            Assert.StartsWith("TLSv1", (await rwTls.QueryAsync("SHOW SESSION STATUS LIKE 'Ssl_version'")).Rows[0][1], StringComparison.Ordinal);
        }
        foreach (var m in view.Members.Values)
        {
            Assert.Equal("1", (await cluster.RootQueryAsync(m.Name, "SELECT @@global.require_secure_transport")).Scalar());
            var plain = cluster.Bench.Direct(m.Name) with { TlsCa = null };
            await Assert.ThrowsAsync<MySqlServerException>(() => MySqlConnection.OpenAsync(plain));
            await using var direct = await MySqlConnection.OpenAsync(cluster.Bench.Direct(m.Name));
            Assert.StartsWith("TLSv1", (await direct.QueryAsync("SHOW SESSION STATUS LIKE 'Ssl_version'")).Rows[0][1], StringComparison.Ordinal);
            if (m.Name != leader)
            {
                var replication = (await cluster.RootQueryAsync(m.Name, "SHOW SLAVE STATUS")).Rows[0];
                Assert.Equal("Yes", replication["Master_SSL_Allowed"]);
                Assert.Equal("Yes", replication["Master_SSL_Verify_Server_Cert"]);
                Assert.Equal("Yes", replication["Slave_IO_Running"]);
            }
        }

        // The control plane too: every agent's API is HTTPS (HAProxy's checks verify it, or the read-write port above
        // would have found no primary), plain HTTP gets nothing, and etcd takes no client without a certificate from the CA.
        Assert.Contains("check-ssl verify required", await File.ReadAllTextAsync(cluster.Layout.HaproxyConfig), StringComparison.Ordinal);
        using (var plainHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            foreach (var m in view.Members.Values)
            {
                Assert.StartsWith("https://", m.ApiUrl, StringComparison.Ordinal);
                await Assert.ThrowsAsync<HttpRequestException>(() => plainHttp.GetAsync(m.ApiUrl.Replace("https://", "http://", StringComparison.Ordinal) + "/health"));
                await Assert.ThrowsAsync<HttpRequestException>(() => plainHttp.GetAsync(m.ApiUrl + "/health")); // the system's CAs do not vouch for it
            }
        }
        Assert.All(cluster.Spec.EtcdUrls, u => Assert.Equal("https", u.Scheme));
        using (var anonymous = new Keel.Etcd.EtcdClient(new Keel.Etcd.EtcdClientOptions { Endpoints = cluster.Spec.EtcdUrls, Tls = new Keel.Os.Tls.ClientTls(cluster.Spec.ClientTls!.CaFile), RequestTimeout = TimeSpan.FromSeconds(2) }))
        {
            await Assert.ThrowsAnyAsync<Keel.Etcd.EtcdException>(() => anonymous.GetAsync("keel/probe"));
        }

        // A renewed certificate is taken without a restart: the agent sees the files change and the server reloads them.
        // Read over a new TLS connection each time: the Ssl_server_* variables describe the certificate the server
        // presented to this very session (empty over the unix socket).
        async Task<string?> NotBeforeAsync(string member)
        {
            await using var c = await MySqlConnection.OpenAsync(cluster.Bench.Direct(member));
            return (await c.QueryAsync("SHOW SESSION STATUS LIKE 'Ssl_server_not_before'")).Rows[0][1];
        }
        var renewedMember = view.Members.Values.First().Name;
        var before = await NotBeforeAsync(renewedMember);
        Assert.False(string.IsNullOrEmpty(before), "the server reports its certificate's not-before");
        var pid = (await cluster.ViewAsync()).Members[renewedMember].ServerPid;
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // the new certificate's not-before differs by at least a second
        Keel.Playground.PlaygroundTls.Renew(cluster.Layout, cluster.Member(renewedMember));
        string after;
        try
        {
            after = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var now = await NotBeforeAsync(renewedMember);
                return now != before ? now : null;
            }, Generous, $"{renewedMember}'s server to take its renewed certificate");
        }
        catch (TimeoutException)
        {
            output.WriteLine(cluster.AgentLog(renewedMember));
            throw;
        }
        output.WriteLine($"{renewedMember}'s certificate not-before: {before} -> {after}");
        Assert.Equal(pid, (await cluster.ViewAsync()).Members[renewedMember].ServerPid);
        await using (var renewedTls = await MySqlConnection.OpenAsync(cluster.Bench.Direct(renewedMember)))
        {
            Assert.Equal("1", (await renewedTls.QueryAsync("SELECT 1")).Scalar());
        }
        Assert.Contains("the server reloaded them (FLUSH SSL)", cluster.AgentLog(renewedMember), StringComparison.Ordinal);

        // Every agent's /metrics (Prometheus text): the leader says it is the primary with its lease running, a replica not.
        using var http = cluster.Spec.ApiClient(TimeSpan.FromSeconds(5));
        foreach (var m in view.Members.Values)
        {
            var metrics = await http.GetStringAsync($"{m.ApiUrl}/metrics");
            var primary = metrics.Split('\n').Single(l => l.StartsWith("keel_primary{", StringComparison.Ordinal));
            Assert.Contains($"member=\"{m.Name}\"", primary, StringComparison.Ordinal);
            Assert.EndsWith(m.Name == leader ? " 1" : " 0", primary, StringComparison.Ordinal);
            Assert.Contains("keel_ha_loop_seconds_bucket{", metrics, StringComparison.Ordinal);
        }

        // keel status shows Keel's own lag measure for the replicas (the table prints it in place of Seconds_Behind_Master).
        var (_, statusErr, statusJson) = await KeelProcess.RunAsync(Generous, "status", "--format", "json", "--home", cluster.Layout.Home);
        Assert.True(statusJson.Contains("\"measured_lag_seconds\"", StringComparison.Ordinal), statusJson + statusErr);
    }

    [Fact]
    public async Task Killed_agents_are_restarted_by_the_supervisor_and_adopt_their_running_servers_without_a_failover()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "10s");
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        checker.FaultNow();
        var view = await cluster.ViewAsync();
        var leader = view.Leader!;
        foreach (var m in view.Members.Values.OrderBy(m => m.Name == leader.Name))
        {
            var serverPid = m.ServerPid;
            Keel.Playground.ProcessTools.Signal(m.AgentPid!.Value, Keel.Playground.ProcessTools.SigKill);
            var back = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var v = await cluster.ViewAsync();
                var reclaimed = m.Name != leader.Name || (v.Leader is { } l && l.Name == leader.Name && l.LeaseId != leader.LeaseId);
                return reclaimed && v.Members.TryGetValue(m.Name, out var s) && s.AgentPid != m.AgentPid && (s.Role == MemberRole.Primary ? s.ReadOnly == false : s.IoRunning) ? s : null;
            }, Generous, $"the agent of {m.Name} to come back");
            Assert.Equal(serverPid, back.ServerPid);
        }
        var now = await cluster.ViewAsync();
        Assert.Equal(leader.Name, now.Leader!.Name);
        Assert.Equal(leader.CreateRevision, now.Leader.CreateRevision); // the same leader key: no failover at all
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(
            cluster.AgentLog(leader.Name).Contains("moved the leader key to this agent's new session lease", StringComparison.Ordinal) ? "ok" : null),
            TimeSpan.FromSeconds(10), "the reclaim decision in the new agent's log");
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        var report = await checker.FinishAsync("every agent killed in turn, back within the TTL");
        output.WriteLine("FIGURES " + report);
        Assert.Equal(0, report.AcknowledgedLost);
        Assert.Equal(0, report.SplitBrainSwitches);
    }

    [Fact]
    public async Task While_etcd_is_down_nobody_is_promoted_and_the_primary_turns_read_only_then_recovers_when_etcd_returns()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        var leaderKey = (await cluster.ViewAsync()).Leader!;
        var etcd = cluster.Runner.Etcd(cluster.Spec);
        checker.FaultNow();
        etcd.KillAll();

        // The lease may run out 6 s after the last renewal: the primary must be read-only by then.
        await Task.Delay(TimeSpan.FromSeconds(8));
        foreach (var m in cluster.Spec.Members)
        {
            Assert.Equal("1", (await cluster.RootQueryAsync(m.Name, "SELECT @@global.read_only")).Scalar());
        }
        // The agent demotes its server one demote margin before the lease can expire, and the watchdog fences it at
        // the same moment when the agent's promise runs out; whichever comes first leaves its sentence.
        var watchdogLog = File.Exists(cluster.Layout.WatchdogLog(leaderKey.Name)) ? await File.ReadAllTextAsync(cluster.Layout.WatchdogLog(leaderKey.Name)) : "";
        Assert.True(
            cluster.AgentLog(leaderKey.Name).Contains("etcd is unreachable and the leader lease may expire", StringComparison.Ordinal)
                || watchdogLog.Contains("promised ran out", StringComparison.Ordinal),
            "neither the agent nor the watchdog said why the primary turned read-only");

        await etcd.StartAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.RootQueryAsync(leaderKey.Name, "SELECT @@global.read_only")).Scalar() == "0" ? "ok" : null,
            Generous, $"{leaderKey.Name} to be writable again");
        await cluster.WaitForHealthyAsync(Generous);
        // The same leader key (same create revision, the fencing token): nobody was promoted at any point.
        var after = (await cluster.ViewAsync()).Leader!;
        Assert.Equal(leaderKey.Name, after.Name);
        Assert.Equal(leaderKey.CreateRevision, after.CreateRevision);
        foreach (var m in cluster.Spec.Members.Where(m => m.Name != leaderKey.Name))
        {
            Assert.DoesNotContain("AcquireLeadership", cluster.AgentLog(m.Name), StringComparison.Ordinal);
        }
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        var report = await checker.FinishAsync("etcd down, then back");
        output.WriteLine("FIGURES " + report);
        Assert.Equal(0, report.AcknowledgedLost);
        Assert.Equal(0, report.SplitBrainSwitches);
    }
}
