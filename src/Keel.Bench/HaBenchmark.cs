using Keel.Bench.Sysbench;
using Keel.Core.Model;

namespace Keel.Bench;

/// <summary>How `keel bench ha` runs.</summary>
public sealed record BenchOptions(
    int Repetitions,
    IReadOnlyList<string> Cases,
    bool Sysbench,
    TimeSpan SysbenchDuration,
    int SysbenchThreads,
    int WriterConnections = 4);

/// <summary>
/// Runs each fault case N times against a playground under two loads: sysbench between faults (it cannot ride
/// through one) for throughput and latency, and the write checker across the fault for everything else.
/// </summary>
public sealed class HaBenchmark
{
    private static readonly TimeSpan Healthy = TimeSpan.FromSeconds(180);
    private readonly BenchCluster _cluster;
    private readonly BenchOptions _options;
    private readonly Action<string> _progress;

    public HaBenchmark(BenchCluster cluster, BenchOptions options, Action<string> progress)
    {
        _cluster = cluster;
        _options = options;
        _progress = progress;
    }

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var cases = FaultCases.All.Where(c => _options.Cases.Contains(c.Name)).ToList();
        var galera = ClusterHealth.IsGalera(await _cluster.ViewAsync());
        var cannot = FaultCases.CannotRun(_options.Cases, _cluster.Faults, galera);
        if (cannot.Count > 0)
        {
            throw new InvalidOperationException($"cannot run {string.Join("; ", cannot)}");
        }
        await _cluster.EnsureDatabaseAsync(ct);
        var sysbench = new SysbenchRunner();
        var target = _cluster.SysbenchTarget;
        if (_options.Sysbench)
        {
            await _cluster.WaitForHealthyAsync(Healthy);
            _progress("preparing sysbench tables");
            await sysbench.CleanupAsync(target, 2, ct);
            await sysbench.PrepareAsync(target, 2, 10_000, ct);
        }

        var runs = new List<FaultRun>();
        foreach (var fault in cases)
        {
            for (var rep = 1; rep <= _options.Repetitions; rep++)
            {
                ct.ThrowIfCancellationRequested();
                _progress($"{fault.Name}: run {rep} of {_options.Repetitions}");
                runs.Add(await RunOnceAsync(fault, rep, sysbench, target, ct));
                var last = runs[^1];
                _progress($"{fault.Name}: run {rep}: writable after {Fmt(last.TimeToWritableSeconds)} s, write-unavailable {last.WriteUnavailabilitySeconds:0.000} s, {last.AcknowledgedLost} acknowledged writes lost");
            }
        }
        return new BenchReport(Environment.MachineName + $" ({Environment.ProcessorCount} cores)", started, runs, []);
    }

    private async Task<FaultRun> RunOnceAsync(FaultCase fault, int rep, SysbenchRunner sysbench, SysbenchTarget target, CancellationToken ct)
    {
        await _cluster.WaitForHealthyAsync(Healthy);
        var before = _options.Sysbench ? await SysbenchPhaseAsync(sysbench, target, ct) : null;
        await _cluster.WaitForHealthyAsync(Healthy);

        var view = await _cluster.ViewAsync();
        var primary = view.Leader!.Name;
        var replica = view.Members.Keys.Where(n => n != primary).Order(StringComparer.Ordinal).First();
        var context = new FaultContext(_cluster, view, primary, replica, ct);
        var affected = fault.ExpectsFailover || fault.Name.StartsWith("primary", StringComparison.Ordinal) ? primary : replica;

        FaultReport report;
        Timeline timeline;
        double? rejoin;
        DateTimeOffset faultAt;
        await using (var checker = await WriteChecker.StartAsync(_cluster, _options.WriterConnections))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            faultAt = DateTimeOffset.UtcNow;
            checker.FaultNow();
            await fault.Inject(context);
            await fault.Recover(context);
            rejoin = await RejoinAsync(affected, faultAt);
            await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
            report = await checker.FinishAsync(fault.Name);
            var lines = await _cluster.DecisionsAsync(checker.StartedAt, ct);
            var marks = AgentLogMarks.Marks(lines, checker.StartedAt, faultAt.AddSeconds(-1), DateTimeOffset.UtcNow);
            timeline = new Timeline(checker.FaultAtSeconds ?? 0, checker.AckTimes, checker.ErrorTimes, marks);
            var detected = AgentLogMarks.Detected(lines, faultAt);
            var promoted = fault.ExpectsFailover ? AgentLogMarks.Promoted(lines, faultAt) : null;
            var after = _options.Sysbench ? await SysbenchPhaseAsync(sysbench, target, ct) : null;
            var changed = (await _cluster.ViewAsync()).Leader?.Name != primary;
            return new FaultRun(fault.Name, fault.Load, rep,
                detected is { } d ? (d - faultAt).TotalSeconds : null,
                promoted is { } p ? (p - faultAt).TotalSeconds : null,
                changed ? report.TimeToWritableSeconds : null,
                report.WriteUnavailabilitySeconds,
                report.ReadOnlyWindowSeconds,
                rejoin,
                report.FailedWrites,
                report.AcknowledgedWrites,
                report.AcknowledgedLost,
                report.SplitBrainSwitches,
                changed,
                before,
                after,
                timeline);
        }
    }

    /// <summary>Seconds from the fault until the affected member is a streaming replica again (or the primary, unchanged).</summary>
    private async Task<double?> RejoinAsync(string member, DateTimeOffset faultAt)
    {
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                var v = await _cluster.ViewAsync();
                return v.Members.TryGetValue(member, out var m) && m.Server == ServerStatus.Running
                    && (v.Leader?.Name == member ? ClusterHealth.Writable(v, member) : ClusterHealth.InStep(v, member)) ? "ok" : null;
            }, Healthy, $"{member} to rejoin", TimeSpan.FromMilliseconds(50));
            return (DateTimeOffset.UtcNow - faultAt).TotalSeconds;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private async Task<SysbenchFigures?> SysbenchPhaseAsync(SysbenchRunner sysbench, SysbenchTarget target, CancellationToken ct)
    {
        try
        {
            return await sysbench.RunAsync(target, "oltp_read_write", _options.SysbenchThreads, _options.SysbenchDuration, ct);
        }
        catch (SysbenchException ex)
        {
            _progress($"sysbench failed: {ex.Message}");
            return null;
        }
    }

    private static string Fmt(double? v) => v is { } x ? x.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
