using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>`keel bench ha --quick` inside the suite: the report is produced and no acknowledged write is lost.</summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Bench_ha_quick_writes_its_report_and_loses_no_acknowledged_write()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var dir = Path.Combine(cluster.Layout.Home, "bench-out");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "keel.dll"), "bench", "ha", "--quick", "--home", cluster.Layout.Home, "--out", dir })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await p.WaitForExitAsync(cts.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.Equal(0, p.ExitCode);

        Assert.True(File.Exists(Path.Combine(dir, "report.md")), "report.md is missing");
        Assert.Equal(2, Directory.GetFiles(dir, "*.svg").Length);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json")));
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(0, r.GetProperty("acknowledged_lost").GetInt32()));
        Assert.All(runs, r => Assert.True(r.GetProperty("acknowledged_writes").GetInt32() > 0));
    }
}
