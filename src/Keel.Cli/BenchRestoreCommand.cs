using System.CommandLine;
using System.Globalization;
using Keel.Bench.Restore;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>`keel bench restore`: restore time for a backup plus archived write load, and the recovery point after losing every member.</summary>
internal static class BenchRestoreCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var size = new Option<double>("--size-gb") { Description = "dataset, in GB of sysbench tables (prepared once, reused by later runs)", DefaultValueFactory = _ => 2 };
        var minutes = new Option<double>("--load-minutes") { Description = "minutes of archived write load between the backup and the destruction", DefaultValueFactory = _ => 10 };
        var output = new Option<string?>("--out") { Description = "directory for report.md, report.json and the restored datadir (default: HOME/bench/restore-<time>)" };
        var cmd = new Command("restore", "Restore time (backup plus archived write load) and the recovery point after the whole cluster is destroyed; destroys the playground on purpose") { home, size, minutes, output };
        cmd.SetAction(async (parse, ct) =>
        {
            var gb = parse.GetValue(size);
            var load = parse.GetValue(minutes);
            if (gb is <= 0 or > 1000 || load is <= 0 or > 1440)
            {
                await Console.Error.WriteLineAsync($"keel bench restore: --size-gb {gb.ToString(CultureInfo.InvariantCulture)} must be more than 0 and at most 1000, --load-minutes {load.ToString(CultureInfo.InvariantCulture)} more than 0 and at most 1440");
                return 2;
            }
            if (PlaygroundBench.Resolve(parse.GetValue(home), "bench restore") is not { } resolved)
            {
                return 2;
            }
            using var cluster = resolved;
            var dir = PlaygroundBench.OutputDir(cluster, parse.GetValue(output), "restore-");
            try
            {
                var report = await new RestoreBenchmark(cluster, gb, TimeSpan.FromMinutes(load), Path.Combine(dir, "work"), PlaygroundBench.Progress).RunAsync(ct);
                var files = report.WriteTo(dir);
                Console.WriteLine();
                Console.WriteLine(report.ToMarkdown());
                Console.WriteLine($"report: {string.Join(", ", files)}");
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Keel.MySql.MySqlException or Keel.Bench.Sysbench.SysbenchException or PlaygroundException or Keel.Etcd.EtcdException or Keel.Agent.Backup.RestoreRefusedException)
            {
                await Console.Error.WriteLineAsync($"keel bench restore: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
