using Keel.Bench.Sysbench;

namespace Keel.Bench;

/// <summary>
/// The cost of the HA path as measured ratios: sysbench through the read-write endpoint versus straight to the
/// primary, and with semi-sync on versus off.
/// </summary>
public sealed class SteadyBenchmark
{
    private readonly BenchCluster _cluster;
    private readonly TimeSpan _duration;
    private readonly int _threads;
    private readonly Action<string> _progress;

    public SteadyBenchmark(BenchCluster cluster, TimeSpan duration, int threads, Action<string> progress)
    {
        _cluster = cluster;
        _duration = duration;
        _threads = threads;
        _progress = progress;
    }

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var primary = (await _cluster.WaitForHealthyAsync(TimeSpan.FromSeconds(180))).Name;
        var endpoint = _cluster.SysbenchTarget;
        var direct = endpoint with { Host = _cluster.MemberEndpoint(primary).Host, Port = _cluster.MemberEndpoint(primary).Port };
        await _cluster.EnsureDatabaseAsync(ct);
        var sysbench = new SysbenchRunner();
        _progress("preparing sysbench tables");
        await sysbench.CleanupAsync(endpoint, 2, ct);
        await sysbench.PrepareAsync(endpoint, 2, 10_000, ct);
        await _cluster.WaitForHealthyAsync(TimeSpan.FromSeconds(180));

        var steady = new List<SteadyState>();
        async Task Measure(string name, SysbenchTarget target)
        {
            _progress($"{name}: sysbench oltp_read_write, {_threads} threads, {_duration.TotalSeconds:0} s");
            steady.Add(new SteadyState(name, await sysbench.RunAsync(target, "oltp_read_write", _threads, _duration, ct)));
        }

        await Measure("through read-write endpoint", endpoint);
        await Measure("direct to primary", direct);
        await Measure("semi-sync on", direct);
        // Only for this measurement, and put back in a finally: without semi-sync an acknowledged commit may exist
        // on the primary alone.
        _progress($"turning semi-sync off on {primary} for one measurement");
        await _cluster.RootQueryAsync(primary, "SET GLOBAL rpl_semi_sync_master_enabled = OFF");
        try
        {
            await Measure("semi-sync off", direct);
        }
        finally
        {
            await _cluster.RootQueryAsync(primary, "SET GLOBAL rpl_semi_sync_master_enabled = ON");
            _progress($"semi-sync is on again on {primary}");
        }
        return new BenchReport(Environment.MachineName + $" ({Environment.ProcessorCount} cores)", started, [], steady);
    }
}
