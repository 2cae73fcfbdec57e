using System.Globalization;
using Keel.Bench;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>The copy benchmarks run beside the members' files (the raw pipe they compare with reads the datadir), so only on the playground.</summary>
internal static class PlaygroundBench
{
    public static PlaygroundBenchCluster? Resolve(string? home, string command)
    {
        var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(home), TextWriter.Null);
        if (runner.LoadSpec() is not { } spec)
        {
            Console.Error.WriteLine($"keel {command}: no playground in {runner.Layout.Home} (run `keel up` first); the raw copy it compares with runs beside the member's datadir, so only the playground is measured");
            return null;
        }
        return new PlaygroundBenchCluster(runner, spec);
    }

    public static string OutputDir(PlaygroundBenchCluster cluster, string? given, string prefix) =>
        given ?? Path.Combine(cluster.Layout.Home, "bench", prefix + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    public static void Progress(string line) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");
}
