using System.Globalization;
using Keel.Agent.Requests;
using Keel.Bench.Sysbench;
using Keel.MySql.Server;
using Keel.Playground;

namespace Keel.Bench.Clone;

/// <summary>
/// `keel bench clone` on the playground: a sysbench dataset of the size asked for; the raw copy
/// (`mariabackup | mbstream -x`) and Keel's clone (`keel reinit` of the last replica, which streams from the other
/// replica by the clone rule), each timed several times; the primary's TPS through the read-write endpoint with and
/// without a replica serving a clone; and the time from `keel member add` to a streaming replica.
/// </summary>
public sealed class CloneBenchmark(PlaygroundBenchCluster cluster, CloneBenchOptions options, string workDir, Action<string> progress)
{
    private static readonly TimeSpan Healthy = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CloneWait = TimeSpan.FromHours(1);
    private const int Threads = 4;

    public async Task<CloneBenchReport> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var primary = (await cluster.WaitForHealthyAsync(Healthy)).Name;
        var replicas = (await cluster.ViewAsync()).Members.Keys.Where(n => n != primary).Order(StringComparer.Ordinal).ToList();
        if (replicas.Count < 2)
        {
            throw new InvalidOperationException("keel bench clone needs two replicas (one serves the clone, one is cloned); this playground has " + replicas.Count);
        }
        var (donor, joiner) = (replicas[0], replicas[^1]);
        var sysbench = new SysbenchRunner(new SysbenchRunnerOptions { PrepareTimeout = TimeSpan.FromHours(2) });
        await BenchDataset.PrepareOrAdoptAsync(cluster, sysbench, options.Tables, Threads, progress, ct);
        await BenchDataset.CaughtUpAsync(cluster, Healthy);
        var donorServer = cluster.Server(donor);
        var donorBytes = MariaBackup.DirectorySize(donorServer.DataDir, n => n.StartsWith("mysql-bin.", StringComparison.Ordinal) || n.StartsWith("relay-bin.", StringComparison.Ordinal));
        progress($"the donor {donor} holds {donorBytes / 1e9:0.00} GB; {joiner} is the one cloned");

        var raw = new List<CopyRun>();
        for (var i = 1; i <= options.Repetitions; i++)
        {
            var target = Path.Combine(workDir, $"raw-copy-{i}");
            progress($"raw copy {i}/{options.Repetitions}: mariabackup --backup --stream=mbstream | mbstream -x from {donor}");
            var (bytes, took) = await RawCopy.RunAsync(donorServer, target, Path.Combine(workDir, $"raw-scratch-{i}"), ct);
            // The bench's own scratch copies, never a member's datadir.
            Directory.Delete(target, recursive: true);
            Directory.Delete(Path.Combine(workDir, $"raw-scratch-{i}"), recursive: true);
            raw.Add(new CopyRun(bytes, took.TotalSeconds));
            progress(string.Create(CultureInfo.InvariantCulture, $"raw copy {i}: {bytes / 1e6:0} MB in {took.TotalSeconds:0.0} s ({bytes / 1e6 / took.TotalSeconds:0} MB/s)"));
        }

        var keel = new List<CopyRun>();
        for (var i = 1; i <= options.Repetitions; i++)
        {
            progress($"Keel clone {i}/{options.Repetitions}: keel reinit {joiner} --purge-old");
            var run = await ReinitAsync(joiner, ct);
            keel.Add(run);
            progress(string.Create(CultureInfo.InvariantCulture, $"Keel clone {i}: streamed {run.Bytes / 1e6:0} MB from {run.Donor} in {run.Seconds:0.0} s ({run.MbPerSecond:0} MB/s); whole clone {run.WholeCloneSeconds:0.0} s"));
        }

        var phase = options.TpsPhase ?? TimeSpan.FromSeconds(Math.Max(5, 0.9 * CloneBenchReport.Median(keel.Select(k => k.Seconds))));
        Task<SysbenchFigures> Load() => sysbench.RunAsync(cluster.SysbenchTarget, SysbenchWorkloads.ReadWrite, Threads, phase, ct);
        progress($"primary TPS through the read-write endpoint: sysbench oltp_read_write, {Threads} threads, phases of {phase.TotalSeconds:0} s, without and while {donor} serves a clone to {joiner}");
        var (without, during) = await BenchDataset.AlternatingTpsAsync(Load, load => DuringCloneAsync(joiner, load, ct), options.Repetitions, "during a clone", progress);

        double? addSeconds = null;
        string? added = null;
        if (options.MemberAdd)
        {
            (added, addSeconds) = await MemberAddAsync(ct);
        }
        return new CloneBenchReport(Environment.MachineName + $" ({Environment.ProcessorCount} cores)", started, options.Tables, BenchDataset.RowsPerTable,
            donorBytes, raw, keel, without, during, phase.TotalSeconds, addSeconds, added);
    }

    private async Task<CopyRun> ReinitAsync(string joiner, CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow;
        var plan = await new OperatorRequests(cluster.Store, TimeProvider.System).ReinitAsync(joiner, ct, purgeOld: true);
        if (!plan.Accepted)
        {
            throw new InvalidOperationException($"keel reinit {joiner} was refused: {plan.Message}");
        }
        return await FinishedCloneAsync(joiner, since, ct);
    }

    private async Task<SysbenchFigures> DuringCloneAsync(string joiner, Func<Task<SysbenchFigures>> load, CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow;
        var plan = await new OperatorRequests(cluster.Store, TimeProvider.System).ReinitAsync(joiner, ct, purgeOld: true);
        if (!plan.Accepted)
        {
            throw new InvalidOperationException($"keel reinit {joiner} was refused: {plan.Message}");
        }
        // The load starts with the clone, not with the request: the server's stop comes first.
        await Eventually.UntilAsync(async () => (await JoinerLinesAsync(joiner, since, ct)).Any(l => l.StartsWith("CloneFrom:", StringComparison.Ordinal)) ? "ok" : null,
            CloneWait, $"{joiner} to start its clone", TimeSpan.FromMilliseconds(100));
        var figures = await load();
        await FinishedCloneAsync(joiner, since, ct);
        return figures;
    }

    /// <summary>Waits for the joiner's "cloned …" sentence and for it to stream again, showing its progress lines meanwhile.</summary>
    private async Task<CopyRun> FinishedCloneAsync(string joiner, DateTimeOffset since, CancellationToken ct)
    {
        var shown = 0;
        var deadline = DateTime.UtcNow + CloneWait;
        while (DateTime.UtcNow < deadline)
        {
            var lines = await JoinerLinesAsync(joiner, since, ct);
            foreach (var line in lines.Skip(shown).Where(l => l.StartsWith("cloning from", StringComparison.Ordinal)))
            {
                progress("  " + line);
            }
            shown = lines.Count;
            var received = lines.Select(CloneLogLines.Received).LastOrDefault(r => r is not null);
            var cloned = lines.Select(CloneLogLines.Cloned).LastOrDefault(r => r is not null);
            var view = await cluster.ViewAsync();
            if (received is { } r && cloned is { } c && view.Members.TryGetValue(joiner, out var m) && m.IoRunning && m.SqlRunning && m.Following == view.Leader?.Name)
            {
                return new CopyRun(r.Bytes, r.Took.TotalSeconds, c.Took.TotalSeconds, r.Donor);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        throw new TimeoutException($"{joiner} did not finish its clone within {CloneWait.TotalMinutes:0} min; see its agent's log");
    }

    private async Task<IReadOnlyList<string>> JoinerLinesAsync(string joiner, DateTimeOffset since, CancellationToken ct) =>
        [.. (await cluster.DecisionsAsync(since, ct)).Where(l => l.Member == joiner).OrderBy(l => l.At).Select(l => l.Text)];

    /// <summary>`keel member add` of a new member, timed to a streaming semi-sync replica, then removed again (its datadir is kept).</summary>
    private async Task<(string Name, double Seconds)> MemberAddAsync(CancellationToken ct)
    {
        var name = Enumerable.Range(4, 90).Select(i => $"m{i}")
            .First(n => !cluster.MemberNames.Contains(n) && !Directory.Exists(cluster.Layout.MemberDir(n)));
        var membership = new PlaygroundMembership(cluster.Runner, TextWriter.Null);
        progress($"keel member add {name}");
        var since = DateTimeOffset.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await membership.AddAsync(name, ct);
        try
        {
            var shown = 0;
            while (true)
            {
                var lines = AgentLogMarks.Parse(File.Exists(cluster.Layout.AgentLog(name)) ? await File.ReadAllTextAsync(cluster.Layout.AgentLog(name), ct) : "")
                    .Where(l => l.At >= since).Select(l => l.Text).ToList();
                foreach (var line in lines.Skip(shown).Where(l => l.StartsWith("cloning from", StringComparison.Ordinal)))
                {
                    progress("  " + line);
                }
                shown = lines.Count;
                var view = await cluster.ViewAsync();
                if (lines.Any(l => CloneLogLines.Cloned(l) is not null) && view.Members.TryGetValue(name, out var m) && m.IoRunning && m.SqlRunning && m.Following == view.Leader?.Name)
                {
                    break;
                }
                if (clock.Elapsed > CloneWait)
                {
                    throw new TimeoutException($"{name} did not stream within {CloneWait.TotalMinutes:0} min of `keel member add`");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            progress(string.Create(CultureInfo.InvariantCulture, $"{name} streams with semi-sync {seconds:0.0} s after keel member add"));
            return (name, seconds);
        }
        finally
        {
            await membership.RemoveAsync(name, CancellationToken.None);
            progress($"removed {name} again; its datadir stays in {cluster.Layout.MemberDir(name)}");
        }
    }
}
