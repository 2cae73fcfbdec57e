using System.Collections.Concurrent;
using System.Diagnostics;
using Keel.Bench.Sysbench;

namespace Keel.Bench.Soak;

/// <summary>
/// A long run with no fault at all: rate-limited sysbench and the paced write checker on the read-write endpoint,
/// while the cluster is watched every second. A healthy cluster should end it with the primary it started with,
/// every acknowledged write on every member, and no write pause worth the name: anything else is a needless
/// failover or a stall, which is what users of HA managers complain about most.
/// </summary>
public sealed class SoakBenchmark
{
    private readonly BenchCluster _cluster;
    private readonly SoakOptions _options;
    private readonly Action<string> _progress;

    public SoakBenchmark(BenchCluster cluster, SoakOptions options, Action<string> progress)
    {
        _cluster = cluster;
        _options = options;
        _progress = progress;
    }

    public async Task<SoakReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var primaryAtStart = (await _cluster.WaitForHealthyAsync(TimeSpan.FromSeconds(180))).Name;
        await _cluster.EnsureDatabaseAsync(ct);
        var sysbench = new SysbenchRunner();
        var target = _cluster.SysbenchTarget;
        _progress("preparing sysbench tables");
        await sysbench.CleanupAsync(target, 2, ct);
        await sysbench.PrepareAsync(target, 2, 10_000, ct);
        await _cluster.WaitForHealthyAsync(TimeSpan.FromSeconds(180));

        var phases = new ConcurrentQueue<SysbenchFigures>();
        var failures = new ConcurrentQueue<string>();
        var changes = new List<LeaderChange>();
        long? maxLag = null;
        var gaps = 0;
        var clock = Stopwatch.StartNew();

        await using var checker = await WriteChecker.StartAsync(_cluster,
            new WriteLoad(_options.WriterConnections, TimeSpan.FromMilliseconds(_options.WriterPauseMs), long.MaxValue));
        checker.FaultNow(); // no fault: every figure spans the whole soak
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = SysbenchLoopAsync(sysbench, target, phases, failures, clock, stop.Token);

        var leader = primaryAtStart;
        var lastReport = TimeSpan.Zero;
        while (clock.Elapsed < _options.Duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            try
            {
                var view = await _cluster.ViewAsync();
                var now = view.Leader?.Name;
                if (now != leader)
                {
                    var reason = now is null ? "the leader key is gone" : $"{now} now leads";
                    changes.Add(new LeaderChange(clock.Elapsed.TotalSeconds, leader, now, reason));
                    _progress($"leader change at {clock.Elapsed.TotalSeconds:0} s: {leader ?? "none"} -> {now ?? "none"}");
                    leader = now;
                }
                gaps += _cluster.MemberNames.Count(m => !view.Members.ContainsKey(m));
                foreach (var m in view.Members.Values)
                {
                    if (m.LagSeconds is { } lag && (maxLag is null || lag > maxLag))
                    {
                        maxLag = lag;
                    }
                }
            }
            catch (Keel.Etcd.EtcdException ex)
            {
                failures.Enqueue($"{clock.Elapsed.TotalSeconds:0} s: etcd read failed: {ex.Message}");
            }
            if (clock.Elapsed - lastReport >= TimeSpan.FromMinutes(1))
            {
                lastReport = clock.Elapsed;
                _progress($"{clock.Elapsed.TotalMinutes:0} of {_options.Duration.TotalMinutes:0.#} min: {checker.Acknowledged} acknowledged writes, {changes.Count} leader changes, {phases.Count} sysbench phases");
            }
        }

        await stop.CancelAsync();
        await load;
        _progress("checking every acknowledged write on every member");
        var report = await checker.FinishAsync("soak");
        var end = (await _cluster.ViewAsync()).Leader?.Name ?? "none";
        return new SoakReport(
            Environment.MachineName + $" ({Environment.ProcessorCount} cores)",
            started,
            clock.Elapsed.TotalSeconds,
            primaryAtStart,
            end,
            changes,
            report.AcknowledgedWrites,
            report.FailedWrites,
            report.WriteUnavailabilitySeconds,
            report.ReadOnlyWindowSeconds,
            report.AcknowledgedLost,
            report.SplitBrainSwitches,
            maxLag,
            gaps,
            phases.ToList(),
            failures.Count(f => f.Contains(": sysbench: ", StringComparison.Ordinal)),
            failures.ToList());
    }

    /// <summary>sysbench phases back to back until stopped; a failed phase is recorded and the next one starts.</summary>
    private async Task SysbenchLoopAsync(SysbenchRunner sysbench, SysbenchTarget target, ConcurrentQueue<SysbenchFigures> phases,
        ConcurrentQueue<string> failures, Stopwatch clock, CancellationToken ct)
    {
        var phase = _options.SysbenchPhase ?? TimeSpan.FromSeconds(60);
        while (!ct.IsCancellationRequested)
        {
            var left = _options.Duration - clock.Elapsed;
            if (left < TimeSpan.FromSeconds(1))
            {
                return;
            }
            try
            {
                phases.Enqueue(await sysbench.RunAsync(target, "oltp_read_write", _options.SysbenchThreads, left < phase ? left : phase, ct, _options.SysbenchRate));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SysbenchException ex)
            {
                failures.Enqueue($"{clock.Elapsed.TotalSeconds:0} s: sysbench: {ex.Message.Split('\n')[0]}");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
