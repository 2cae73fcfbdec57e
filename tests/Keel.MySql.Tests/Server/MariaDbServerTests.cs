using System.Net;
using System.Net.Sockets;
using Keel.MySql.Server;
using Keel.MySql.Tests.Fixtures;
using Keel.Os;

namespace Keel.MySql.Tests.Server;

[Collection(SpareServerCollection.Name)]
public sealed class MariaDbServerTests(SpareServerFixture fixture)
{
    private MariaDbServer Server => fixture.Server.Server;

    [Fact]
    public async Task Start_returns_the_pid_of_a_mariadbd_in_its_own_session()
    {
        Server.Kill();

        var pid = await Server.StartAsync([], TestServer.StartTimeout, CancellationToken.None);

        Assert.Equal(pid, Server.RunningPid());
        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Server.PidFile).Trim());
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[3]); // session id: setsid made it a leader
        Assert.EndsWith("mariadbd", File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0], StringComparison.Ordinal);

        // Not tied to our pipes: stdin is /dev/null, stdout and stderr go to the error log.
        Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/0").LinkTarget);
        Assert.Equal(Server.ErrorLog, new FileInfo($"/proc/{pid}/fd/1").LinkTarget);
        Assert.Equal(Server.ErrorLog, new FileInfo($"/proc/{pid}/fd/2").LinkTarget);
    }

    [Fact]
    public async Task Extra_arguments_reach_mariadbd()
    {
        Server.Kill();

        await Server.StartAsync(["--max-connections=77"], TestServer.StartTimeout, CancellationToken.None);

        await using var c = await fixture.Server.OpenRootAsync();
        Assert.Equal("77", (await c.QueryAsync("SELECT @@max_connections")).Scalar());
        Assert.Equal("1", (await c.QueryAsync("SELECT @@read_only")).Scalar());
        Assert.Equal("AFTER_SYNC", (await c.QueryAsync("SELECT @@rpl_semi_sync_master_wait_point")).Scalar());
        Server.Kill();
    }

    [Fact]
    public async Task Starting_an_already_running_server_is_refused()
    {
        await fixture.Server.EnsureRunningAsync();

        var ex = await Assert.ThrowsAsync<MariaDbStartException>(() => Server.StartAsync([], TestServer.StartTimeout, CancellationToken.None));

        Assert.Contains("already running", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_on_a_port_in_use_fails_naming_the_port_and_the_error_log()
    {
        Server.Kill();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var clash = new MariaDbServer(fixture.Server.Options with { Port = port });

        var ex = await Assert.ThrowsAsync<MariaDbStartException>(() => clash.StartAsync([], TestServer.StartTimeout, CancellationToken.None));

        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Contains(clash.ErrorLog, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Address already in use", ex.Message, StringComparison.Ordinal);
        Assert.Null(clash.RunningPid());
    }

    [Fact]
    public async Task RunningPid_is_null_after_Kill()
    {
        await fixture.Server.EnsureRunningAsync();
        var pid = Server.RunningPid();
        Assert.NotNull(pid);

        Server.Kill();

        Assert.Null(Server.RunningPid());
        Assert.False(MariaDbServer.IsProcessAlive(pid.Value));
        Assert.Null(ProcFs.State(pid.Value)); // reaped by us, its parent: no zombie left behind
    }

    [Fact]
    public async Task Stop_shuts_down_cleanly_with_SIGTERM()
    {
        await fixture.Server.EnsureRunningAsync();
        var pid = Server.RunningPid()!.Value;

        await Server.StopAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.Null(Server.RunningPid());
        Assert.False(MariaDbServer.IsProcessAlive(pid));
        Assert.Contains("Shutdown complete", File.ReadAllText(Server.ErrorLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_recovery_pass_for_a_copy_exits_by_itself_and_keeps_committed_rows()
    {
        await fixture.Server.EnsureRunningAsync();
        await using (var c = await fixture.Server.OpenRootAsync())
        {
            // Unlogged, so that the lone server does not wait for a replica's acknowledgement.
            await c.QueryAsync("SET SESSION sql_log_bin = 0");
            await c.QueryAsync("CREATE DATABASE IF NOT EXISTS recovery_pass");
            await c.QueryAsync("CREATE TABLE IF NOT EXISTS recovery_pass.t (id INT PRIMARY KEY) ENGINE=InnoDB");
            await c.QueryAsync("REPLACE INTO recovery_pass.t VALUES (7)");
        }
        Server.Kill(); // a crash, like the state a hot copy is in

        await Server.RollBackPreparedTransactionsAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.Null(Server.RunningPid());
        await Server.StartAsync([], TestServer.StartTimeout, CancellationToken.None);
        await using var after = await fixture.Server.OpenRootAsync();
        Assert.Equal("7", (await after.QueryAsync("SELECT id FROM recovery_pass.t")).Scalar());
    }

    [Fact]
    public async Task Stop_of_a_server_that_is_not_running_does_nothing()
    {
        Server.Kill();

        await Server.StopAsync(TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Null(Server.RunningPid());
    }

    [Fact]
    public async Task With_the_default_settings_a_lone_server_blocks_commits_until_a_replica_acknowledges()
    {
        // Documents a deliberate default: semi-sync never falls back to async, so with no replica
        // attached even root's writes wait (here until our short command timeout).
        await fixture.Server.EnsureRunningAsync();
        await using var c = await fixture.Server.OpenRootAsync();

        await Assert.ThrowsAsync<MySqlTimeoutException>(
            () => c.QueryAsync("CREATE DATABASE blocked_by_semi_sync", timeout: TimeSpan.FromMilliseconds(500)));

        Server.Kill();
    }
}
