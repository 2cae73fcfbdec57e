using System.CommandLine;
using System.Globalization;
using Keel.Bench.Backup;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>`keel bench backup`: Keel's backup against the raw mariabackup | zstd pipe, and the primary's TPS while a replica is backed up.</summary>
internal static class BenchBackupCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var size = new Option<double>("--size-gb") { Description = "dataset to back up, in GB of sysbench tables (prepared once, reused by later runs)", DefaultValueFactory = _ => 2 };
        var reps = new Option<int>("--repetitions", "-n") { Description = "times each backup is timed", DefaultValueFactory = _ => 3 };
        var output = new Option<string?>("--out") { Description = "directory for report.md and report.json (default: HOME/bench/backup-<time>)" };
        var cmd = new Command("backup", "Backup throughput against raw mariabackup | zstd, and the primary's TPS while a replica is backed up (playground)") { home, size, reps, output };
        cmd.SetAction(async (parse, ct) =>
        {
            var gb = parse.GetValue(size);
            if (gb is <= 0 or > 1000)
            {
                await Console.Error.WriteLineAsync($"keel bench backup: --size-gb {gb.ToString(CultureInfo.InvariantCulture)} must be more than 0 and at most 1000");
                return 2;
            }
            if (PlaygroundBench.Resolve(parse.GetValue(home), "bench backup") is not { } resolved)
            {
                return 2;
            }
            using var cluster = resolved;
            var dir = PlaygroundBench.OutputDir(cluster, parse.GetValue(output), "backup-");
            try
            {
                var report = await new BackupBenchmark(cluster, gb, Math.Max(1, parse.GetValue(reps)), Path.Combine(dir, "work"), PlaygroundBench.Progress).RunAsync(ct);
                var files = report.WriteTo(dir);
                Console.WriteLine();
                Console.WriteLine(report.ToMarkdown());
                Console.WriteLine($"report: {string.Join(", ", files)}");
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Keel.MySql.MySqlException or Keel.Bench.Sysbench.SysbenchException or PlaygroundException or Keel.Etcd.EtcdException)
            {
                await Console.Error.WriteLineAsync($"keel bench backup: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
