using System.CommandLine;
using System.Globalization;
using Keel.Bench;
using Keel.Bench.Clone;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>`keel bench clone`: Keel's clone against the raw mariabackup pipe, the primary's TPS during a clone, and member add.</summary>
internal static class BenchCloneCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var size = new Option<double>("--size-gb") { Description = "dataset to clone, in GB of sysbench tables (prepared once, reused by later runs)", DefaultValueFactory = _ => 2 };
        var reps = new Option<int>("--repetitions", "-n") { Description = "times each copy is timed", DefaultValueFactory = _ => 3 };
        var tps = new Option<int>("--tps-seconds") { Description = "length of each TPS phase (default: 90 % of the median clone stream)" };
        var noAdd = new Option<bool>("--no-member-add") { Description = "skip timing `keel member add`" };
        var output = new Option<string?>("--out") { Description = "directory for report.md and report.json (default: HOME/bench/clone-<time>)" };
        var cmd = new Command("clone", "Clone throughput against raw mariabackup | mbstream, primary TPS while a replica donates, time to add a member (playground)")
            { home, size, reps, tps, noAdd, output };
        cmd.SetAction(async (parse, ct) =>
        {
            var gb = parse.GetValue(size);
            if (gb is <= 0 or > 1000)
            {
                await Console.Error.WriteLineAsync($"keel bench clone: --size-gb {gb.ToString(CultureInfo.InvariantCulture)} must be more than 0 and at most 1000");
                return 2;
            }
            if (PlaygroundBench.Resolve(parse.GetValue(home), "bench clone") is not { } resolved)
            {
                return 2;
            }
            using var cluster = resolved;
            var dir = PlaygroundBench.OutputDir(cluster, parse.GetValue(output), "clone-");
            var options = new CloneBenchOptions(gb, Math.Max(1, parse.GetValue(reps)),
                parse.GetValue(tps) is > 0 and var s ? TimeSpan.FromSeconds(s) : null, !parse.GetValue(noAdd));
            try
            {
                var report = await new CloneBenchmark(cluster, options, Path.Combine(dir, "work"), PlaygroundBench.Progress).RunAsync(ct);
                var files = report.WriteTo(dir);
                Console.WriteLine();
                Console.WriteLine(report.ToMarkdown());
                Console.WriteLine($"report: {string.Join(", ", files)}");
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Keel.MySql.MySqlException or Keel.Bench.Sysbench.SysbenchException or PlaygroundException)
            {
                await Console.Error.WriteLineAsync($"keel bench clone: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
