using System.Diagnostics;
using Keel.Bench.Sysbench;
using Keel.TestSupport;
using Xunit.Abstractions;

namespace Keel.Bench.Tests.Sysbench;

/// <summary>sysbench against a real mariadbd: a measured run, an unreachable server, a server killed mid-run.</summary>
public sealed class SysbenchRunnerServerTests(SysbenchServerFixture fixture, ITestOutputHelper output) : IClassFixture<SysbenchServerFixture>
{
    private const int Tables = 2;
    private const int TableSize = 1000;

    [Fact]
    public async Task Prepare_run_and_cleanup_measure_a_read_write_workload()
    {
        await fixture.EnsureRunningAsync();
        var runner = new SysbenchRunner();
        await runner.CleanupAsync(fixture.Target, Tables, CancellationToken.None);

        await runner.PrepareAsync(fixture.Target, Tables, TableSize, CancellationToken.None);
        var figures = await runner.RunAsync(fixture.Target, SysbenchWorkloads.ReadWrite, 4, TimeSpan.FromSeconds(3), CancellationToken.None);
        output.WriteLine(figures.ToString());

        Assert.Equal("oltp_read_write", figures.Workload);
        Assert.Equal(4, figures.Threads);
        Assert.InRange(figures.DurationSeconds, 2.9, 4);
        Assert.True(figures.Tps > 0, $"TPS {figures.Tps}");
        Assert.True(figures.Qps > figures.Tps, $"QPS {figures.Qps} vs TPS {figures.Tps}");
        Assert.True(figures.P95LatencyMs > 0, $"p95 {figures.P95LatencyMs}");
        Assert.True(figures.Errors >= 0);
        Assert.Equal(["sbtest1", "sbtest2"], await fixture.TablesAsync());

        await runner.CleanupAsync(fixture.Target, Tables, CancellationToken.None);
        Assert.Empty(await fixture.TablesAsync());
    }

    [Fact]
    public async Task A_run_against_a_port_with_nothing_listening_fails_fast()
    {
        var target = fixture.Target with { Port = TestPaths.FreePort() };
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SysbenchException>(() =>
            new SysbenchRunner().RunAsync(target, SysbenchWorkloads.ReadWrite, 2, TimeSpan.FromSeconds(30), Tables, TableSize, CancellationToken.None));
        output.WriteLine(ex.Message);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(1, ex.ExitCode);
        Assert.False(ex.TimedOut);
        Assert.Equal(2002, ex.MySqlErrorCode);
        Assert.True(ex.IsConnectionFailure);
        Assert.Contains("Can't connect", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Killing_the_server_during_a_run_fails_the_run_within_seconds()
    {
        await fixture.EnsureRunningAsync();
        var runner = new SysbenchRunner();
        await runner.CleanupAsync(fixture.Target, Tables, CancellationToken.None);
        await runner.PrepareAsync(fixture.Target, Tables, TableSize, CancellationToken.None);

        var run = runner.RunAsync(fixture.Target, SysbenchWorkloads.ReadWrite, 4, TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var killedAt = Stopwatch.StartNew();
        fixture.Server.Kill();

        var ex = await Assert.ThrowsAsync<SysbenchException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        output.WriteLine($"failed {killedAt.Elapsed.TotalSeconds:0.00} s after the kill: {ex.Message}");

        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(5), $"took {killedAt.Elapsed} after the kill");
        Assert.Equal(1, ex.ExitCode);
        Assert.True(ex.IsConnectionFailure, $"error {ex.MySqlErrorCode}");
        Assert.Contains("Lost connection", ex.Message, StringComparison.Ordinal);
    }
}
