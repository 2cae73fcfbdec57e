using System.Diagnostics;
using Keel.Os;

namespace Keel.MySql.Server;

/// <summary>Runs a short-lived tool to completion and captures everything it printed.</summary>
internal static class ToolRunner
{
    /// <remarks>
    /// The first argument is passed exactly as given: MariaDB tools only honour --defaults-file in
    /// first position, so the caller controls the order.
    /// </remarks>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program, IReadOnlyList<string> args, string workingDirectory, CancellationToken ct, string? input = null)
    {
        var psi = ExternalPrograms.StartInfo(program, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = input is not null;
        psi.WorkingDirectory = workingDirectory;

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
        if (input is not null)
        {
            // Written whole, then closed: the tool reads to end of input (a client running a script, say).
            await process.StandardInput.WriteAsync(input.AsMemory(), ct);
            process.StandardInput.Close();
        }

        // Both pipes drained concurrently: a tool blocked on a full stderr pipe would never exit.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
