using System.Globalization;
using Keel.Agent.Requests;
using Keel.Bench.Sysbench;
using Keel.Core.Gtid;
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
        await DatasetAsync(sysbench, ct);
        await CaughtUpAsync(primary, ct);
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
        // A dataset larger than the buffer pool makes this load read from disk: one phase first warms the caches,
        // then phases without and with a clone alternate, so that drift hits both alike.
        progress($"warming up: sysbench oltp_read_write, {Threads} threads, {phase.TotalSeconds:0} s");
        await Load();
        var without = new List<double>();
        var during = new List<double>();
        for (var i = 1; i <= options.Repetitions; i++)
        {
            progress($"TPS {i}/{options.Repetitions} without a clone ({phase.TotalSeconds:0} s)");
            without.Add((await Load()).Tps);
            progress($"TPS {i}/{options.Repetitions} while {donor} serves a clone to {joiner}");
            during.Add((await DuringCloneAsync(joiner, Load, ct)).Tps);
            progress(string.Create(CultureInfo.InvariantCulture, $"TPS {without[^1]:0.0} without, {during[^1]:0.0} during a clone"));
        }

        double? addSeconds = null;
        string? added = null;
        if (options.MemberAdd)
        {
            (added, addSeconds) = await MemberAddAsync(ct);
        }
        return new CloneBenchReport(Environment.MachineName + $" ({Environment.ProcessorCount} cores)", started, options.Tables, CloneBenchOptions.RowsPerTable,
            donorBytes, raw, keel, CloneBenchReport.Median(without), CloneBenchReport.Median(during), phase.TotalSeconds, addSeconds, added);
    }

    /// <summary>Prepares the tables, or adopts them when an earlier run left exactly this layout (a 2 GB prepare takes minutes).</summary>
    private async Task DatasetAsync(SysbenchRunner sysbench, CancellationToken ct)
    {
        await cluster.EnsureDatabaseAsync(ct);
        var target = cluster.SysbenchTarget;
        var primary = (await cluster.ViewAsync()).Leader!.Name;
        var tables = (await cluster.RootQueryAsync(primary,
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{cluster.App.Database}' AND TABLE_NAME LIKE 'sbtest%'")).Scalar();
        if (tables == options.Tables.ToString(CultureInfo.InvariantCulture)
            && (await cluster.RootQueryAsync(primary, $"SELECT MAX(id) FROM `{cluster.App.Database}`.sbtest{options.Tables}")).Scalar() == CloneBenchOptions.RowsPerTable.ToString(CultureInfo.InvariantCulture))
        {
            sysbench.Adopt(target.Database, options.Tables, CloneBenchOptions.RowsPerTable);
            progress($"using the {options.Tables} sysbench tables an earlier run prepared");
            return;
        }
        progress($"preparing {options.Tables} sysbench tables of {CloneBenchOptions.RowsPerTable:N0} rows (about {options.Tables * CloneBenchOptions.GbPerTable:0.0} GB) through the read-write endpoint; this takes minutes");
        await sysbench.CleanupAsync(target, Math.Max(options.Tables, 64), ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var ticker = new Timer(_ => progress($"still preparing ({clock.Elapsed.TotalMinutes:0.0} min)"), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await sysbench.PrepareAsync(target, options.Tables, CloneBenchOptions.RowsPerTable, ct, threads: Math.Min(options.Tables, Threads));
        progress($"prepared in {clock.Elapsed.TotalMinutes:0.0} min");
    }

    /// <summary>Every replica has received and applied everything the primary wrote.</summary>
    private async Task CaughtUpAsync(string primary, CancellationToken ct)
    {
        await cluster.WaitForHealthyAsync(Healthy);
        var target = GtidPosition.Parse((await cluster.RootQueryAsync(primary, "SELECT @@global.gtid_binlog_pos")).Scalar());
        foreach (var m in cluster.MemberNames.Where(n => n != primary))
        {
            await Eventually.UntilAsync(async () =>
                GtidPosition.Parse((await cluster.RootQueryAsync(m, "SELECT @@global.gtid_slave_pos")).Scalar()).Contains(target) ? "ok" : null, Healthy, $"{m} to apply the dataset", TimeSpan.FromSeconds(1));
        }
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
