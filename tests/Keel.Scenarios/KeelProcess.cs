using System.Diagnostics;
using Keel.Os;

namespace Keel.Scenarios;

/// <summary>Runs the `keel` built next to the tests as a separate process, bounded in time.</summary>
internal static class KeelProcess
{
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = ExternalPrograms.StartInfo(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Path.Combine(AppContext.BaseDirectory, "keel.dll"), .. args]);
        psi.RedirectStandardError = true;
        psi.RedirectStandardOutput = true;
        return psi;
    }

    public static async Task<(int Code, string StdErr, string StdOut)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var p = Process.Start(StartInfo(args))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"keel {string.Join(' ', args)} did not exit within {timeout.TotalSeconds} s");
        }
        return (p.ExitCode, await stderr, await stdout);
    }
}
