using System.Diagnostics;
using Keel.Os;

namespace Keel.Network;

/// <summary>
/// Runs a program with an argument vector (never through a shell) and a hard time limit: a hung `ip` or `iptables`
/// (xtables lock, a namespace stuck in teardown) must fail the caller, not stall it.
/// </summary>
public static class ExternalCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="argv"/> to completion; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task<CommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken ct)
    {
        using var p = Start(argv);
        var stdout = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await p.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            KillQuietly(p);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"`{string.Join(' ', argv)}` did not finish within {timeout.TotalSeconds:0.#} s");
        }
        return new CommandResult(argv, p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Like <see cref="RunAsync"/> but a non-zero exit is a <see cref="NetworkLabException"/>.</summary>
    public static async Task<CommandResult> RunCheckedAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken ct)
    {
        var r = await RunAsync(argv, timeout, ct);
        return r.Ok ? r : throw new NetworkLabException(r.Describe());
    }

    /// <summary>
    /// Synchronous variant for preflight checks, which callers run from constructors or test bodies where blocking on
    /// an async method could deadlock on a single-threaded synchronization context.
    /// </summary>
    public static CommandResult Run(IReadOnlyList<string> argv, TimeSpan timeout)
    {
        using var p = Start(argv);
        var stdout = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
        if (!p.WaitForExit(timeout))
        {
            KillQuietly(p);
            throw new TimeoutException($"`{string.Join(' ', argv)}` did not finish within {timeout.TotalSeconds:0.#} s");
        }
        return new CommandResult(argv, p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static Process Start(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0)
        {
            throw new ArgumentException("empty command", nameof(argv));
        }
        var psi = ExternalPrograms.StartInfo(argv[0], argv.Skip(1));
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        // Our stdin is no business of theirs (and a test host's stdin may be a pipe nobody closes).
        psi.RedirectStandardInput = true;
        var p = Process.Start(psi) ?? throw new NetworkLabException($"could not start {argv[0]}");
        p.StandardInput.Close();
        return p;
    }

    private static void KillQuietly(Process p)
    {
        try
        {
            p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
    }
}
