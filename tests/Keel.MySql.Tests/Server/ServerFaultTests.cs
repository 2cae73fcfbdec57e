using System.Diagnostics;
using Keel.MySql.Server;
using Keel.MySql.Tests.Fixtures;
using Keel.Os;

namespace Keel.MySql.Tests.Server;

/// <summary>What a client sees when the server dies or freezes under it.</summary>
[Collection(SpareServerCollection.Name)]
public sealed class ServerFaultTests(SpareServerFixture fixture)
{
    [Fact(Timeout = 20_000)]
    public async Task A_server_killed_mid_query_gives_MySqlConnectionException_within_5_seconds()
    {
        await fixture.Server.EnsureRunningAsync();
        await using var c = await fixture.Server.OpenRootAsync(commandTimeout: TimeSpan.FromSeconds(20));
        var query = c.QueryAsync("SELECT SLEEP(30)");
        await WaitUntilSleepingAsync(c.ConnectionId);

        fixture.Server.Server.Kill();
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<MySqlConnectionException>(() => query);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True(c.IsBroken);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_stopped_server_gives_MySqlTimeoutException_within_the_command_timeout()
    {
        await fixture.Server.EnsureRunningAsync();
        var pid = fixture.Server.Server.RunningPid()!.Value;
        await using var c = await fixture.Server.OpenRootAsync();
        var timeout = TimeSpan.FromSeconds(1.5);
        var watch = Stopwatch.StartNew();
        var query = c.QueryAsync("SELECT SLEEP(30)", timeout: timeout);
        await Task.Delay(200);
        Assert.True(Signals.Stop(pid, TimeSpan.FromSeconds(5)));
        try
        {
            await Assert.ThrowsAsync<MySqlTimeoutException>(() => query);
            // Generous upper slack: the point is "bounded, never hangs" on a shared, noisy 2-core machine.
            var elapsed = watch.Elapsed;
            Assert.True(elapsed >= timeout - TimeSpan.FromMilliseconds(50) && elapsed < timeout + TimeSpan.FromSeconds(3), $"took {elapsed}");
            Assert.True(c.IsBroken);
        }
        finally
        {
            Signals.Send(pid, Signals.SigCont);
            fixture.Server.Server.Kill();
        }

        Assert.Null(fixture.Server.Server.RunningPid());
    }

    [Fact(Timeout = 20_000)]
    public async Task Connecting_to_a_stopped_server_ends_at_the_connect_timeout_or_the_callers_token()
    {
        // The kernel accepts on the socket's backlog; a stopped mariadbd never sends its greeting.
        await fixture.Server.EnsureRunningAsync();
        var pid = fixture.Server.Server.RunningPid()!.Value;
        Assert.True(Signals.Stop(pid, TimeSpan.FromSeconds(5)));
        try
        {
            var timeout = TimeSpan.FromSeconds(1);
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<MySqlTimeoutException>(
                () => MySqlConnection.OpenAsync(fixture.Server.Server.RootOptions() with { ConnectTimeout = timeout }));
            Assert.True(watch.Elapsed < timeout + TimeSpan.FromSeconds(1), $"timeout took {watch.Elapsed}");

            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            watch.Restart();
            var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => MySqlConnection.OpenAsync(fixture.Server.Server.RootOptions() with { ConnectTimeout = TimeSpan.FromSeconds(10) }, cts.Token));
            Assert.Equal(cts.Token, ex.CancellationToken);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"cancel took {watch.Elapsed}");
        }
        finally
        {
            Signals.Send(pid, Signals.SigCont);
            fixture.Server.Server.Kill();
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task A_ping_to_a_stopped_server_times_out_and_a_cancelled_query_returns_at_once()
    {
        await fixture.Server.EnsureRunningAsync();
        var pid = fixture.Server.Server.RunningPid()!.Value;
        await using var pinged = await fixture.Server.OpenRootAsync();
        await using var queried = await fixture.Server.OpenRootAsync(commandTimeout: TimeSpan.FromSeconds(10));
        Assert.True(Signals.Stop(pid, TimeSpan.FromSeconds(5)));
        try
        {
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<MySqlTimeoutException>(() => pinged.PingAsync(timeout: TimeSpan.FromSeconds(1)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"ping took {watch.Elapsed}");
            Assert.True(pinged.IsBroken);

            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            watch.Restart();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queried.QueryAsync("SELECT 1", cts.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"cancel took {watch.Elapsed}");
            Assert.True(queried.IsBroken);
        }
        finally
        {
            Signals.Send(pid, Signals.SigCont);
            fixture.Server.Server.Kill();
        }
    }

    private async Task WaitUntilSleepingAsync(uint connectionId)
    {
        await using var observer = await fixture.Server.OpenRootAsync();
        await Processlist.WaitUntilRunningAsync(observer, connectionId);
    }
}
