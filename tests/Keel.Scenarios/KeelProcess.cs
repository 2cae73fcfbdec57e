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

    public static Task<(int Code, string StdErr, string StdOut)> RunAsync(TimeSpan timeout, params string[] args) =>
        RunAsync(timeout, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunAsync(TimeSpan, string[])"/>, with these environment variables set for the process.</summary>
    public static async Task<(int Code, string StdErr, string StdOut)> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = StartInfo(args);
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }
        using var p = Process.Start(psi)!;
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
