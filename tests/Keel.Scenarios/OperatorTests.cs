using System.Net;
using System.Net.Http.Headers;
using Keel.Agent.Requests;
using Keel.Core.Model;
using Keel.Playground;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Operator requests end to end: the REST API's token, refusals that change nothing, a forced failover.</summary>
public sealed class OperatorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_rest_api_refuses_mutations_without_the_token_and_refuses_bad_requests_with_the_reason()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var member = cluster.Spec.Members[0];
        // Trusts the playground's CA but shows no client certificate: only the token can authorize it.
        using var http = Keel.Os.Tls.ClientTls.For(new Keel.Os.Tls.ClientTls(cluster.Spec.ClientTls!.CaFile), TimeSpan.FromSeconds(10));
        http.BaseAddress = new Uri(cluster.Spec.ApiUrl(member));

        var anonymous = await http.PostAsync("/switchover", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/pause", null)).StatusCode);
        Assert.False((await cluster.ViewAsync()).Paused);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Spec.ApiToken);
        var refused = await http.PostAsync("/switchover?to=nobody", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("nobody is unreachable", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await cluster.ViewAsync()).Request);

        var force = await http.PostAsync($"/failover?to={cluster.Spec.Members[1].Name}", null);
        Assert.Equal(HttpStatusCode.Conflict, force.StatusCode);
        Assert.Contains("healthy primary", await force.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/pause", null)).StatusCode);
        Assert.True((await cluster.ViewAsync()).Paused);
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(
            cluster.Spec.Members.All(m => cluster.AgentLog(m.Name).Contains("PAUSE: ", StringComparison.Ordinal)) ? "ok" : null), Generous, "every agent to log PAUSE");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/resume", null)).StatusCode);
        Assert.False((await cluster.ViewAsync()).Paused);

        // A client certificate from the cluster's CA stands in for the token (the playground's "client" one here).
        using (var withCertificate = cluster.Spec.ApiClient(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(HttpStatusCode.OK, (await withCertificate.PostAsync($"{cluster.Spec.ApiUrl(member)}/pause", null)).StatusCode);
            Assert.True((await cluster.ViewAsync()).Paused);
            Assert.Equal(HttpStatusCode.OK, (await withCertificate.PostAsync($"{cluster.Spec.ApiUrl(member)}/resume", null)).StatusCode);
        }

        var leader = (await cluster.ViewAsync()).Leader!.Name;
        var primary = await http.GetAsync($"{cluster.Spec.ApiUrl(cluster.Member(leader))}/primary");
        Assert.Equal(HttpStatusCode.OK, primary.StatusCode);
        var other = cluster.Spec.Members.First(m => m.Name != leader);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"{cluster.Spec.ApiUrl(other)}/primary")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{cluster.Spec.ApiUrl(other)}/replica")).StatusCode);

        // keel step-down (a preStop hook's command): a replica has nothing to hand over, the primary hands over and
        // returns once another member is the primary; a name that is no member is refused.
        var home = cluster.Layout.Home;
        var (noneCode, noneErr, _) = await KeelProcess.RunAsync(Generous, "step-down", "--home", home, "--member", "nobody");
        Assert.Equal(2, noneCode);
        Assert.Contains("--member must name a member of the playground", noneErr, StringComparison.Ordinal);
        var (replicaCode, replicaErr, replicaText) = await KeelProcess.RunAsync(Generous, "step-down", "--home", home, "--member", other.Name);
        Assert.True(replicaCode == 0, replicaErr);
        Assert.Contains($"{other.Name} is not the primary ({leader} is); nothing to hand over", replicaText, StringComparison.Ordinal);
        var (stepCode, stepErr, stepText) = await KeelProcess.RunAsync(Generous, "step-down", "--home", home, "--member", leader);
        output.WriteLine(stepText + stepErr);
        Assert.True(stepCode == 0, stepErr);
        Assert.Contains($"{leader} stepped down:", stepText, StringComparison.Ordinal);
        Assert.NotEqual(leader, (await cluster.ViewAsync()).Leader?.Name);
    }

    [Fact]
    public async Task Rotating_the_application_and_replication_passwords_fails_no_write_and_leaves_only_the_new_ones_everywhere()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var leaderBefore = (await cluster.ViewAsync()).Leader!;
        await using var checker = await Keel.Bench.WriteChecker.StartAsync(cluster.Bench);
        var home = cluster.Layout.Home;

        // Refusals change nothing.
        var (badCode, badErr, _) = await KeelProcess.RunAsync(Generous, "rotate-password", "root", "--home", home);
        Assert.Equal(1, badCode);
        Assert.Contains("ACCOUNT must be app, repl or admin, not 'root'", badErr, StringComparison.Ordinal);

        checker.FaultNow();
        var (code, err, text) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(4), "rotate-password", "app", "--home", home);
        output.WriteLine(text + err);
        Assert.True(code == 0, err);
        Assert.Contains("every member lets app log in with the old or the new password", text, StringComparison.Ordinal);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);

        // The replication account under the same writes: each replica reconnects with the new password while the
        // primary takes both, so no semi-sync acknowledgement is missed for long and no write fails.
        var (replCode, replErr, replText) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(4), "rotate-password", "repl", "--home", home);
        output.WriteLine(replText + replErr);
        Assert.True(replCode == 0, replErr);
        Assert.Contains("every replica reconnected its replication with the new password", replText, StringComparison.Ordinal);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        var report = await checker.FinishAsync("application and replication passwords rotated under writes");
        cluster.Checked(report);
        Assert.Equal(0, report.FailedWrites);

        // Only the new password logs in, on every member; the old one is refused; nothing failed over.
        var spec = cluster.Runner.LoadSpec()!;
        Assert.NotEqual(cluster.Spec.AppPassword, spec.AppPassword);
        foreach (var m in spec.Members)
        {
            var fresh = cluster.Bench.Direct(m.Name) with { Password = spec.AppPassword };
            await using (var c = await Keel.MySql.MySqlConnection.OpenAsync(fresh))
            {
                Assert.Equal("1", (await c.QueryAsync("SELECT 1")).Scalar());
            }
            await Assert.ThrowsAsync<Keel.MySql.MySqlServerException>(() => Keel.MySql.MySqlConnection.OpenAsync(cluster.Bench.Direct(m.Name) with { Password = cluster.Spec.AppPassword }));
        }
        Assert.NotEqual(cluster.Spec.ReplicationPasswordInUse, spec.ReplicationPasswordInUse);
        foreach (var m in spec.Members)
        {
            var repl = cluster.Bench.Direct(m.Name) with { User = Keel.Playground.ConfigFiles.ReplicationUser, Database = null };
            await using (var c = await Keel.MySql.MySqlConnection.OpenAsync(repl with { Password = spec.ReplicationPasswordInUse }))
            {
                Assert.Equal("1", (await c.QueryAsync("SELECT 1")).Scalar());
            }
            await Assert.ThrowsAsync<Keel.MySql.MySqlServerException>(() => Keel.MySql.MySqlConnection.OpenAsync(repl with { Password = cluster.Spec.ReplicationPasswordInUse }));
        }
        var replicas = (await cluster.ViewAsync()).Members.Values.Where(m => m.Name != leaderBefore.Name).ToList();
        Assert.All(replicas, r => Assert.Equal(Keel.Core.Passwords.PasswordFingerprint.Of(spec.ReplicationPasswordInUse), r.ReplicationPasswordFingerprint));
        Assert.All(replicas, r => Assert.True(r.IoRunning && r.SqlRunning, $"{r.Name} streams"));
        var client = await File.ReadAllTextAsync(cluster.Layout.ClientCnf);
        Assert.Contains("password=" + spec.AppPassword, client, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Spec.AppPassword, client, StringComparison.Ordinal);
        var after = await cluster.ViewAsync();
        Assert.Null(after.PasswordRotation);
        Assert.Equal(leaderBefore.CreateRevision, after.Leader!.CreateRevision);
        Assert.False(File.Exists(Path.Combine(home, "rotate-app.pending")));

        // Keel's own admin account too: the agents read the new password from their files, and a planned switchover,
        // whose hand-over asks the target over TCP as that account, still goes through.
        var (adminCode, adminErr, adminText) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(4), "rotate-password", "admin", "--home", home);
        output.WriteLine(adminText + adminErr);
        Assert.True(adminCode == 0, adminErr);
        var requests = new OperatorRequests(cluster.Store, TimeProvider.System);
        var plan = await requests.SwitchoverAsync(null, 10, CancellationToken.None);
        Assert.True(plan.Accepted, plan.Message);
        Assert.True(await requests.WaitForPrimaryAsync(plan.Request!.To, Generous, CancellationToken.None), $"{plan.Request.To} did not take over");
        Assert.NotEqual(cluster.Spec.AdminPasswordInUse, cluster.Runner.LoadSpec()!.AdminPasswordInUse);
        // The former primary now replicates with the new replication password.
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members.TryGetValue(leaderBefore.Name, out var old) && old.IoRunning && old.SqlRunning
                && old.ReplicationPasswordFingerprint == Keel.Core.Passwords.PasswordFingerprint.Of(spec.ReplicationPasswordInUse) ? "ok" : null,
            Generous, $"{leaderBefore.Name} to replicate with the new replication password");
    }

    [Fact]
    public async Task In_maintenance_mode_a_dead_primary_is_left_alone_until_a_forced_failover_names_the_new_one()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var view = await cluster.ViewAsync();
        var leader = view.Leader!.Name;
        var target = cluster.Spec.Members.Last(m => m.Name != leader).Name;
        var requests = new OperatorRequests(cluster.Store, TimeProvider.System);
        await requests.SetPausedAsync(true, CancellationToken.None);
        await PlaygroundCluster.EventuallyAsync(() => Task.FromResult(
            cluster.Spec.Members.All(m => cluster.AgentLog(m.Name).Contains("PAUSE: ", StringComparison.Ordinal)) ? "ok" : null), Generous, "every agent to see the pause");
        cluster.Server(leader).Kill();

        // Paused: no failover, no restart.
        await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members.TryGetValue(leader, out var m) && m.Server == ServerStatus.Stopped ? "ok" : null, Generous, $"{leader} to report its server stopped");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var paused = await cluster.ViewAsync();
        Assert.Equal(leader, paused.Leader!.Name);
        Assert.Equal(ServerStatus.Stopped, paused.Members[leader].Server);

        var refused = await requests.FailoverAsync(target, force: false, CancellationToken.None);
        Assert.False(refused.Accepted);
        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        var plan = await requests.FailoverAsync(target, force: true, CancellationToken.None);
        Assert.True(plan.Accepted, plan.Message);
        Assert.True(await requests.WaitForPrimaryAsync(target, Generous, CancellationToken.None), $"{target} did not become the primary");

        await requests.SetPausedAsync(false, CancellationToken.None);
        await cluster.WaitForHealthyAsync(Generous);
        var after = await cluster.ViewAsync();
        Assert.Equal(target, after.Leader!.Name);
        Assert.Equal(target, after.Members[leader].Following);
        var history = await cluster.Store.ReadHistoryAsync(CancellationToken.None);
        Assert.Contains(history, h => h.NewPrimary == target && h.Reason.Contains("forced failover", StringComparison.Ordinal));
    }
}
