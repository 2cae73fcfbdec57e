using System.Net;
using System.Net.Sockets;
using Keel.Etcd.Server;
using Keel.TestSupport;
using Keel.Os;

namespace Keel.Etcd.Tests;

public sealed class EtcdServerTests
{
    [Fact]
    public async Task Starting_on_a_client_port_in_use_throws_EtcdStartException_with_the_log_tail()
    {
        var dir = TestPaths.NewTempDir("etcd-busy");
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var server = new EtcdServer(new EtcdServerOptions
        {
            DataDir = Path.Combine(dir, "data"),
            ClientPort = ((IPEndPoint)squatter.LocalEndpoint).Port,
            PeerPort = TestPaths.FreePort(),
        });
        try
        {
            var ex = await Assert.ThrowsAsync<EtcdStartException>(() => server.StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None));

            Assert.Contains("address already in use", ex.Message, StringComparison.Ordinal);
            Assert.Null(server.RunningPid());
        }
        finally
        {
            server.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_started_etcd_is_found_by_pid_file_logs_to_its_file_and_stops_cleanly()
    {
        await using var etcd = await EtcdInstance.StartAsync("etcd-srv");

        Assert.Equal(etcd.Pid, etcd.Server.RunningPid());
        Assert.Equal(Path.Combine(etcd.Dir, "etcd.log"), etcd.Options.LogFile);
        Assert.Contains("serving client traffic", await File.ReadAllTextAsync(etcd.Options.LogFile), StringComparison.Ordinal);

        // A second launcher on the same options adopts the running etcd instead of starting another.
        Assert.Equal(etcd.Pid, await new EtcdServer(etcd.Options).StartAsync(TimeSpan.FromSeconds(5), CancellationToken.None));

        await etcd.Server.StopAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Null(etcd.Server.RunningPid());
    }

    [Fact]
    public async Task Kill_leaves_no_running_process_behind()
    {
        await using var etcd = await EtcdInstance.StartAsync("etcd-kill");

        etcd.Server.Kill();

        Assert.Null(etcd.Server.RunningPid());
        Assert.False(ProcFs.IsAlive(etcd.Pid, "etcd"));
    }
}
