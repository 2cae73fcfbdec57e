using System.CommandLine;
using System.Globalization;
using Keel.Bench;
using Keel.Bench.Reports;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>`keel bench ha`: every fault case under load against the playground, with a report.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks");
        var home = CommonOptions.Home();
        var quick = new Option<bool>("--quick") { Description = "one repetition of a few cases (the test suite's smoke run)" };
        var reps = new Option<int>("--repetitions", "-n") { Description = "repetitions of each case", DefaultValueFactory = _ => 5 };
        var cases = new Option<string?>("--cases") { Description = "comma-separated case names (default: every case this playground can run)" };
        var output = new Option<string?>("--out") { Description = "directory for report.md, report.json and the SVG timelines (default: HOME/bench/<time>)" };
        var noSysbench = new Option<bool>("--no-sysbench") { Description = "skip the sysbench phases between faults" };
        var sysbenchSeconds = new Option<int>("--sysbench-seconds") { Description = "length of each sysbench phase", DefaultValueFactory = _ => 10 };
        var ha = new Command("ha", "Measure every fault case under load: time to a writable primary, write-unavailability, lost writes")
            { home, quick, reps, cases, output, noSysbench, sysbenchSeconds };
        ha.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), TextWriter.Null);
            var spec = runner.LoadSpec();
            if (spec is null)
            {
                await Console.Error.WriteLineAsync($"keel bench ha: no playground in {runner.Layout.Home} (run `keel up` first)");
                return 2;
            }
            var isQuick = parse.GetValue(quick);
            var names = parse.GetValue(cases) is { } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
                : isQuick ? FaultCases.Quick.ToList()
                : FaultCases.All.Where(c => spec.IsolatedHosts || !c.NeedsIsolatedHosts).Select(c => c.Name).ToList();
            var unknown = names.Where(n => FaultCases.All.All(c => c.Name != n)).ToList();
            if (unknown.Count > 0)
            {
                await Console.Error.WriteLineAsync($"keel bench ha: unknown case(s) {string.Join(", ", unknown)}; cases: {string.Join(", ", FaultCases.All.Select(c => c.Name))}");
                return 2;
            }
            var options = new BenchOptions(
                isQuick ? 1 : Math.Max(1, parse.GetValue(reps)),
                names,
                !parse.GetValue(noSysbench),
                TimeSpan.FromSeconds(isQuick ? 3 : Math.Max(1, parse.GetValue(sysbenchSeconds))),
                SysbenchThreads: 4);
            var dir = parse.GetValue(output) ?? Path.Combine(runner.Layout.Home, "bench", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            using var cluster = new BenchCluster(runner, spec);
            try
            {
                var report = await new HaBenchmark(cluster, options, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}")).RunAsync(ct);
                var files = ReportFiles.WriteAll(report, dir);
                Console.WriteLine();
                Console.WriteLine(File.ReadAllText(files.First(f => f.EndsWith(".md", StringComparison.Ordinal))));
                Console.WriteLine($"report: {string.Join(", ", files.Where(f => !f.EndsWith(".svg", StringComparison.Ordinal)))} and {files.Count(f => f.EndsWith(".svg", StringComparison.Ordinal))} SVG timelines in {dir}");
                return report.Runs.Any(r => r.AcknowledgedLost > 0 || r.SplitBrainWindows > 0) ? 1 : 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"keel bench ha: {ex.Message}");
                return 1;
            }
        });
        bench.Subcommands.Add(ha);
        bench.Subcommands.Add(Steady());
        return bench;
    }

    private static Command Steady()
    {
        var home = CommonOptions.Home();
        var seconds = new Option<int>("--seconds") { Description = "length of each sysbench phase", DefaultValueFactory = _ => 20 };
        var threads = new Option<int>("--threads") { Description = "sysbench threads", DefaultValueFactory = _ => 4 };
        var output = new Option<string?>("--out") { Description = "directory for report.md and report.json (default: HOME/bench/steady-<time>)" };
        var cmd = new Command("steady", "The cost of the HA path: through the read-write endpoint vs direct, semi-sync on vs off") { home, seconds, threads, output };
        cmd.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), TextWriter.Null);
            if (runner.LoadSpec() is not { } spec)
            {
                await Console.Error.WriteLineAsync($"keel bench steady: no playground in {runner.Layout.Home} (run `keel up` first)");
                return 2;
            }
            var dir = parse.GetValue(output) ?? Path.Combine(runner.Layout.Home, "bench", "steady-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            using var cluster = new BenchCluster(runner, spec);
            try
            {
                var report = await new SteadyBenchmark(cluster, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds))), Math.Max(1, parse.GetValue(threads)),
                    line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}")).RunAsync(ct);
                var files = ReportFiles.WriteAll(report, dir);
                Console.WriteLine();
                Console.WriteLine(File.ReadAllText(files.First(f => f.EndsWith(".md", StringComparison.Ordinal))));
                return 0;
            }
            catch (Exception ex) when (ex is Keel.Bench.Sysbench.SysbenchException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"keel bench steady: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
