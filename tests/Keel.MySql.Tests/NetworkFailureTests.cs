using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keel.TestSupport;

namespace Keel.MySql.Tests;

public sealed class NetworkFailureTests
{
    [Fact]
    public async Task A_port_with_no_server_is_refused_quickly_with_MySqlConnectionException()
    {
        var options = new MySqlConnectOptions { Host = "127.0.0.1", Port = TestPaths.FreePort(), User = "x", ConnectTimeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<MySqlConnectionException>(() => MySqlConnection.OpenAsync(options));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.Contains(options.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_unix_socket_is_a_MySqlConnectionException()
    {
        var options = new MySqlConnectOptions { UnixSocket = "/tmp/keel-no-such-dir/mysqld.sock", User = "root" };

        await Assert.ThrowsAsync<MySqlConnectionException>(() => MySqlConnection.OpenAsync(options));
    }

    [Fact]
    public async Task A_listener_that_never_answers_times_out_within_the_connect_timeout()
    {
        // The kernel completes the TCP handshake from the backlog; no greeting ever comes.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var options = new MySqlConnectOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)listener.LocalEndpoint).Port,
            User = "x",
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        };
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<MySqlTimeoutException>(() => MySqlConnection.OpenAsync(options));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Cancelling_a_connect_throws_OperationCanceledException_not_a_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var options = new MySqlConnectOptions { Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, User = "x" };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MySqlConnection.OpenAsync(options, cts.Token));
    }

    [Fact]
    public async Task A_server_that_hangs_up_after_accepting_is_a_MySqlConnectionException()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var hangUp = Task.Run(async () =>
        {
            using var s = await listener.AcceptSocketAsync();
            s.Close();
        });
        var options = new MySqlConnectOptions { Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port, User = "x" };

        var ex = await Assert.ThrowsAsync<MySqlConnectionException>(() => MySqlConnection.OpenAsync(options));

        Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
        await hangUp;
    }
}
