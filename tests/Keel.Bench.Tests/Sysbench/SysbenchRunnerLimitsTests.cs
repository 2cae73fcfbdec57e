using System.Diagnostics;
using Keel.Bench.Sysbench;

namespace Keel.Bench.Tests.Sysbench;

/// <summary>The runner's bounds, without a real server: hard timeout, cancellation, bad arguments, no sysbench.</summary>
public sealed class SysbenchRunnerLimitsTests
{
    private static readonly TimeSpan KillEvidenceWait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_run_that_hangs_is_killed_at_its_hard_timeout()
    {
        using var silent = new SilentListener();
        var runner = new SysbenchRunner(new SysbenchRunnerOptions { RunMargin = TimeSpan.FromSeconds(2) });
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SysbenchException>(() =>
            runner.RunAsync(Target(silent.Port), SysbenchWorkloads.ReadWrite, 2, TimeSpan.FromSeconds(1), 1, 100, CancellationToken.None));

        Assert.True(ex.TimedOut);
        Assert.Null(ex.ExitCode);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10));
        Assert.Contains("did not finish within 3 s and was killed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Initializing worker threads", ex.OutputTail, StringComparison.Ordinal);
        Assert.True(await silent.AllClosedByPeerAsync(KillEvidenceWait), "sysbench still holds its connections after the timeout");
    }

    [Fact]
    public async Task Cancelling_a_run_kills_sysbench()
    {
        using var silent = new SilentListener();
        var runner = new SysbenchRunner();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            runner.RunAsync(Target(silent.Port), SysbenchWorkloads.ReadWrite, 2, TimeSpan.FromSeconds(30), 1, 100, cts.Token));

        Assert.True(await silent.AllClosedByPeerAsync(KillEvidenceWait), "sysbench still holds its connections after cancellation");
    }

    [Fact]
    public async Task An_unknown_workload_is_rejected_before_sysbench_starts()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            new SysbenchRunner().RunAsync(Target(1), "oltp_point_select; rm -rf /", 1, TimeSpan.FromSeconds(1), 1, 100, CancellationToken.None));

        Assert.Equal("workload", ex.ParamName);
    }

    [Fact]
    public async Task A_run_on_tables_this_runner_never_prepared_is_refused()
    {
        // sysbench's own defaults (1 table, 10000 rows) would quietly measure something else.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SysbenchRunner().RunAsync(Target(1), SysbenchWorkloads.ReadWrite, 1, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Contains("PrepareAsync", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_sysbench_is_a_clear_error()
    {
        var runner = new SysbenchRunner(new SysbenchRunnerOptions { Executable = "/nonexistent/sysbench" });

        var ex = await Assert.ThrowsAsync<SysbenchException>(() => runner.CleanupAsync(Target(1), 1, CancellationToken.None));

        Assert.Contains("is sysbench installed?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_target_never_shows_its_password()
    {
        var target = new SysbenchTarget("127.0.0.1", 3306, "bench", "s3cret", "sbtest");

        Assert.Equal("bench@127.0.0.1:3306/sbtest", target.ToString());
    }

    private static SysbenchTarget Target(int port) => new("127.0.0.1", port, "bench", "pw", "sbtest");
}
