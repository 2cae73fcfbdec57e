using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keel.Agent.Store;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.Etcd.Server;
using Keel.Playground;
using Keel.TestSupport;

namespace Keel.Scenarios;

/// <summary>Bad input and faults at start: a clear message, a non-zero exit, nothing lost.</summary>
public sealed class BadInputTests
{
    private static string AgentYaml(string dir, int etcdPort, string extra = "") => $"""
        cluster: bad
        member:
          name: m1
          host: 127.0.0.1
          port: {TestPaths.FreePort()}
          server_id: 1
          data_dir: {dir}/data
          run_dir: {dir}/run
        {extra}
        api:
          listen: 127.0.0.1:{TestPaths.FreePort()}
        etcd:
          endpoints: [http://127.0.0.1:{etcdPort}]
        timing:
          ttl: 6s
          loop_interval: 1s
          request_timeout: 1s
        users:
          replication:
            user: r
            password: r
          admin:
            user: a
            password: a
        """;

    [Theory]
    [InlineData("--rw is required with --etcd", "--etcd", "http://127.0.0.1:1", "--cluster", "c")]
    [InlineData("--cluster is required with --etcd", "--etcd", "http://127.0.0.1:1")]
    [InlineData("--rw 'db:x' is not HOST:PORT", "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--rw", "db:x")]
    [InlineData("--etcd 'db:2379' is not a URL", "--etcd", "db:2379")]
    [InlineData("--fault need --etcd", "--fault", "kill-server=true")]
    [InlineData("--fault 'reboot' is not a fault action", "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--rw", "db:1", "--user", "u", "--fault", "reboot=true")]
    [InlineData("--password would show the secret to every local user in ps; put it in a file only you can read and pass --password-file FILE, or set $KEEL_BENCH_PASSWORD",
        "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--rw", "db:1", "--user", "u", "--password", "p")]
    [InlineData("--password-file '/etc/hostname' is readable by other users; make it its owner's only (chmod 600) first",
        "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--rw", "db:1", "--user", "u", "--password-file", "/etc/hostname")]
    [InlineData("--password-file '/nonexistent/pw' does not exist", "--etcd", "http://127.0.0.1:1", "--cluster", "c", "--rw", "db:1", "--user", "u", "--password-file", "/nonexistent/pw")]
    public async Task Bench_ha_names_a_bad_target_option_and_why(string expected, params string[] args)
    {
        var (code, stderr, _) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(1), ["bench", "ha", "--home", TestPaths.NewTempDir("nohome"), .. args]);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_refuses_a_port_that_another_program_holds_and_names_it()
    {
        var home = TestPaths.NewTempDir("busy");
        try
        {
            var runner = new PlaygroundRunner(new PlaygroundLayout(home), TextWriter.Null);
            var spec = runner.LoadOrCreateSpec(() => PlaygroundSpec.Default(TestPaths.FreePort() / 100 * 100 % 50000 + 10000));
            using var squatter = new TcpListener(IPAddress.Loopback, spec.ReadWritePort);
            squatter.Start();
            var ex = await Assert.ThrowsAsync<PlaygroundException>(() => runner.UpAsync(spec, TimeSpan.FromSeconds(30), CancellationToken.None));
            // Named among the busy ports (another program on this machine may hold one of the others too).
            Assert.Matches($@"port\(s\) [0-9, ]*\b{spec.ReadWritePort}\b[0-9, ]* on 127\.0\.0\.1 are already in use", ex.Message);
            Assert.False(runner.Etcd(spec).AnyRunning); // it refused before starting anything
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task An_agent_with_a_bad_config_exits_2_naming_the_file_and_field()
    {
        var dir = TestPaths.NewTempDir("cfg");
        try
        {
            var file = Path.Combine(dir, "agent.yaml");
            await File.WriteAllTextAsync(file, AgentYaml(dir, 1).Replace("server_id: 1", "server_id: one", StringComparison.Ordinal));
            var (code, stderr, _) = await KeelProcess.RunAsync(TimeSpan.FromSeconds(60), "agent", "--config", file);
            Assert.Equal(2, code);
            Assert.Contains($"{file}: invalid configuration", stderr, StringComparison.Ordinal);
            Assert.Contains("field 'member.server_id' (line 6): must be a whole number", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task An_agent_exits_3_with_a_clear_message_when_etcd_is_unreachable_at_start()
    {
        var dir = TestPaths.NewTempDir("noetcd");
        try
        {
            var file = Path.Combine(dir, "agent.yaml");
            var port = TestPaths.FreePort();
            await File.WriteAllTextAsync(file, AgentYaml(dir, port));
            var (code, stderr, _) = await KeelProcess.RunAsync(TimeSpan.FromSeconds(60), "agent", "--config", file);
            Assert.Equal(3, code);
            Assert.Contains($"etcd is unreachable at http://127.0.0.1:{port}/", stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dir, "data", "mysql")), "no server may be set up without etcd");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_server_that_cannot_start_is_reported_with_the_servers_own_error()
    {
        var dir = TestPaths.NewTempDir("nostart");
        var etcd = new EtcdServer(new EtcdServerOptions { DataDir = Path.Combine(dir, "etcd"), ClientPort = TestPaths.FreePort(), PeerPort = TestPaths.FreePort() });
        Process? agent = null;
        try
        {
            await etcd.StartAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            var file = Path.Combine(dir, "agent.yaml");
            await File.WriteAllTextAsync(file, AgentYaml(dir, etcd.ClientUrl.Port, "  mariadb_settings:\n    no_such_option: 1"));
            agent = Process.Start(KeelProcess.StartInfo("agent", "--config", file))!;
            _ = agent.StandardOutput.ReadToEndAsync();
            _ = agent.StandardError.ReadToEndAsync();

            using var client = new EtcdClient(new EtcdClientOptions { Endpoints = [etcd.ClientUrl] });
            var store = new ClusterStore(client, new KeyLayout("bad"));
            var state = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var view = await store.ReadAsync(CancellationToken.None);
                return view.Members.TryGetValue("m1", out var m) && m.LastError?.StartsWith("StartServer failed", StringComparison.Ordinal) == true ? m : null;
            }, TimeSpan.FromSeconds(90), "the agent to report that its server cannot start");
            Assert.Equal(ServerStatus.Stopped, state.Server);
            Assert.Contains("no_such_option", state.LastError, StringComparison.Ordinal);
            Assert.Null((await store.ReadAsync(CancellationToken.None)).Leader);
        }
        finally
        {
            if (agent is { HasExited: false })
            {
                agent.Kill(entireProcessTree: true);
                await agent.WaitForExitAsync();
            }
            agent?.Dispose();
            etcd.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }
}
