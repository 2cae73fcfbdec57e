using System.Diagnostics;
using Keel.Os;

namespace Keel.Bench.Sysbench;

/// <summary>Runs one sysbench process under a hard timeout; it never outlives the call.</summary>
internal static class SysbenchProcess
{
    private const int MaxOutputLines = 2000;

    // SIGKILL is immediate; this only bounds the wait for the kernel to reap it (a process stuck in D state).
    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Starts <paramref name="executable"/> and waits for it. At <paramref name="timeout"/> it is killed and
    /// the outcome says so; on cancellation it is killed and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    public static async Task<SysbenchOutcome> RunAsync(string executable, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct, string? workingDirectory = null)
    {
        var psi = ExternalPrograms.StartInfo(executable, args);
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;

        // The parser expects '.' decimals; C programs only localize after setlocale, but be sure.
        psi.Environment["LC_ALL"] = "C";

        var output = new OutputTail(MaxOutputLines);
        using var process = new Process { StartInfo = psi };

        // Event-based reading drains both pipes concurrently (a full pipe would block sysbench forever) and
        // keeps their lines in arrival order.
        process.OutputDataReceived += (_, e) => AddLine(output, e.Data);
        process.ErrorDataReceived += (_, e) => AddLine(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return new SysbenchOutcome(process.ExitCode, TimedOut: false, output.Text);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            if (process.HasExited)
            {
                // It finished just as the timeout fired: a real result, not a timeout.
                await WaitForReapAsync(process);
                return new SysbenchOutcome(process.ExitCode, TimedOut: false, output.Text);
            }

            await KillAsync(process);
            return new SysbenchOutcome(ExitCode: null, TimedOut: true, output.Text);
        }
        finally
        {
            // Cancelled by the caller, or anything unexpected: never leave sysbench running against the cluster.
            if (!process.HasExited)
            {
                await KillAsync(process);
            }
        }
    }

    private static void AddLine(OutputTail output, string? line)
    {
        if (line is not null)
        {
            output.Add(line);
        }
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }

        await WaitForReapAsync(process);
    }

    private static async Task WaitForReapAsync(Process process)
    {
        using var reap = new CancellationTokenSource(ReapTimeout);
        try
        {
            // Also waits for the pipes to reach EOF, so the output is complete.
            await process.WaitForExitAsync(reap.Token);
        }
        catch (OperationCanceledException)
        {
            // Not reaped in time: give up rather than hang the caller; the kernel reaps it eventually.
        }
    }
}
