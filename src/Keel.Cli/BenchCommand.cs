using System.CommandLine;
using System.Globalization;
using Keel.Bench;
using Keel.Bench.Reports;

namespace Keel.Cli;

/// <summary>`keel bench ha`: every fault case under load against the playground, with a report.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks");
        var target = new BenchTargetOptions();
        var quick = new Option<bool>("--quick") { Description = "one repetition of a few cases (the test suite's smoke run)" };
        var reps = new Option<int>("--repetitions", "-n") { Description = "repetitions of each case", DefaultValueFactory = _ => 5 };
        var cases = new Option<string?>("--cases") { Description = "comma-separated case names (default: every case the target can run)" };
        var output = new Option<string?>("--out") { Description = "directory for report.md, report.json and the SVG timelines (default: HOME/bench/<time>, or ./keel-bench-<time> with --etcd)" };
        var noSysbench = new Option<bool>("--no-sysbench") { Description = "skip the sysbench phases between faults" };
        var sysbenchSeconds = new Option<int>("--sysbench-seconds") { Description = "length of each sysbench phase", DefaultValueFactory = _ => 10 };
        var ha = new Command("ha", "Measure every fault case under load: time to a writable primary, write-unavailability, lost writes")
            { quick, reps, cases, output, noSysbench, sysbenchSeconds };
        foreach (var o in target.All)
        {
            ha.Options.Add(o);
        }
        ha.SetAction(async (parse, ct) =>
        {
            var (resolved, error) = await target.ResolveAsync(parse, ct);
            if (resolved is null)
            {
                await Console.Error.WriteLineAsync($"keel bench ha: {error}");
                return 2;
            }
            using var cluster = resolved;
            var isQuick = parse.GetValue(quick);
            var galera = ClusterHealth.IsGalera(await cluster.ViewAsync());
            var names = parse.GetValue(cases) is { } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
                : (isQuick ? FaultCases.All.Where(c => FaultCases.Quick.Contains(c.Name)) : FaultCases.All)
                    .Where(c => c.CannotRunWith(cluster.Faults, galera) is null).Select(c => c.Name).ToList();
            var unknown = names.Where(n => FaultCases.All.All(c => c.Name != n)).ToList();
            if (unknown.Count > 0)
            {
                await Console.Error.WriteLineAsync($"keel bench ha: unknown case(s) {string.Join(", ", unknown)}; cases: {string.Join(", ", FaultCases.All.Select(c => c.Name))}");
                return 2;
            }
            var cannot = FaultCases.CannotRun(names, cluster.Faults, galera);
            if (cannot.Count > 0)
            {
                await Console.Error.WriteLineAsync($"keel bench ha: cannot run {string.Join("; ", cannot)}");
                return 2;
            }
            var options = new BenchOptions(
                isQuick ? 1 : Math.Max(1, parse.GetValue(reps)),
                names,
                !parse.GetValue(noSysbench),
                TimeSpan.FromSeconds(isQuick ? 3 : Math.Max(1, parse.GetValue(sysbenchSeconds))),
                SysbenchThreads: 4);
            var dir = parse.GetValue(output) ?? DefaultOutput(cluster, "");
            try
            {
                var report = await new HaBenchmark(cluster, options, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}")).RunAsync(ct);
                var files = ReportFiles.WriteAll(report, dir);
                Console.WriteLine();
                Console.WriteLine(File.ReadAllText(files.First(f => f.EndsWith(".md", StringComparison.Ordinal))));
                Console.WriteLine($"report: {string.Join(", ", files.Where(f => !f.EndsWith(".svg", StringComparison.Ordinal)))} and {files.Count(f => f.EndsWith(".svg", StringComparison.Ordinal))} SVG timelines in {dir}");
                await BenchPublisher.PublishAsync(cluster, "ha", files, ct);
                return report.Runs.Any(r => r.AcknowledgedLost > 0 || r.SplitBrainWindows > 0) ? 1 : 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Keel.MySql.MySqlException)
            {
                await Console.Error.WriteLineAsync($"keel bench ha: {ex.Message}");
                return 1;
            }
        });
        bench.Subcommands.Add(ha);
        bench.Subcommands.Add(Steady());
        bench.Subcommands.Add(Soak());
        bench.Subcommands.Add(BenchCloneCommand.Create());
        bench.Subcommands.Add(BenchBackupCommand.Create());
        bench.Subcommands.Add(BenchRestoreCommand.Create());
        return bench;
    }

    /// <summary>HOME/bench/PREFIX&lt;time&gt; for the playground, ./keel-bench-PREFIX&lt;time&gt; for any other cluster.</summary>
    private static string DefaultOutput(BenchCluster cluster, string prefix)
    {
        var stamp = prefix + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return cluster is PlaygroundBenchCluster p ? Path.Combine(p.Layout.Home, "bench", stamp) : Path.GetFullPath("keel-bench-" + stamp);
    }

    private static Command Steady()
    {
        var target = new BenchTargetOptions();
        var seconds = new Option<int>("--seconds") { Description = "length of each sysbench phase", DefaultValueFactory = _ => 20 };
        var threads = new Option<int>("--threads") { Description = "sysbench threads", DefaultValueFactory = _ => 4 };
        var output = new Option<string?>("--out") { Description = "directory for report.md and report.json (default: HOME/bench/steady-<time>)" };
        var cmd = new Command("steady", "The cost of the HA path: through the read-write endpoint vs direct, semi-sync on vs off") { seconds, threads, output };
        foreach (var o in target.All.Where(o => o != target.Fault))
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(async (parse, ct) =>
        {
            var (resolved, error) = await target.ResolveAsync(parse, ct);
            if (resolved is null)
            {
                await Console.Error.WriteLineAsync($"keel bench steady: {error}");
                return 2;
            }
            using var cluster = resolved;
            var dir = parse.GetValue(output) ?? DefaultOutput(cluster, "steady-");
            try
            {
                var report = await new SteadyBenchmark(cluster, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds))), Math.Max(1, parse.GetValue(threads)),
                    line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}")).RunAsync(ct);
                var files = ReportFiles.WriteAll(report, dir);
                Console.WriteLine();
                Console.WriteLine(File.ReadAllText(files.First(f => f.EndsWith(".md", StringComparison.Ordinal))));
                return 0;
            }
            catch (Exception ex) when (ex is Keel.Bench.Sysbench.SysbenchException or TimeoutException or Keel.MySql.MySqlException)
            {
                await Console.Error.WriteLineAsync($"keel bench steady: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }

    private static Command Soak()
    {
        var target = new BenchTargetOptions();
        var duration = new Option<string>("--duration") { Description = "how long to run, e.g. 60m, 1h, 90s", DefaultValueFactory = _ => "60m" };
        var threads = new Option<int>("--threads") { Description = "sysbench threads", DefaultValueFactory = _ => 2 };
        var rate = new Option<int>("--rate") { Description = "sysbench transactions per second (0: as fast as it can)", DefaultValueFactory = _ => 50 };
        var output = new Option<string?>("--out") { Description = "directory for report.md and report.json (default: HOME/bench/soak-<time>)" };
        var cmd = new Command("soak", "Steady load with no fault for a long time: needless failovers, write pauses, lost writes") { duration, threads, rate, output };
        foreach (var o in target.All.Where(o => o != target.Fault))
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(duration)!;
            if (!Keel.Agent.Configuration.DurationText.TryParse(text, out var length) || length < TimeSpan.FromSeconds(10))
            {
                await Console.Error.WriteLineAsync($"keel bench soak: --duration '{text}' is not a length of at least 10 s such as 60m, 1h or 90s");
                return 2;
            }
            var (resolved, error) = await target.ResolveAsync(parse, ct);
            if (resolved is null)
            {
                await Console.Error.WriteLineAsync($"keel bench soak: {error}");
                return 2;
            }
            using var cluster = resolved;
            var dir = parse.GetValue(output) ?? DefaultOutput(cluster, "soak-");
            try
            {
                var options = new Keel.Bench.Soak.SoakOptions(length, Math.Max(1, parse.GetValue(threads)), Math.Max(0, parse.GetValue(rate)),
                    length < TimeSpan.FromMinutes(2) ? TimeSpan.FromSeconds(10) : null);
                var report = await new Keel.Bench.Soak.SoakBenchmark(cluster, options, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}")).RunAsync(ct);
                var files = Keel.Bench.Soak.SoakReportFiles.WriteAll(report, dir);
                Console.WriteLine();
                Console.WriteLine(File.ReadAllText(files[0]));
                Console.WriteLine($"report: {string.Join(", ", files)}");
                await BenchPublisher.PublishAsync(cluster, "soak", files, ct);
                return report.AcknowledgedLost > 0 || report.SplitBrainWindows > 0 || report.NeedlessFailovers > 0 ? 1 : 0;
            }
            catch (Exception ex) when (ex is Keel.Bench.Sysbench.SysbenchException or TimeoutException or Keel.MySql.MySqlException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"keel bench soak: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
