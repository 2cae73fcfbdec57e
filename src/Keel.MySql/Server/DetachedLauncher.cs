using System.Diagnostics;

namespace Keel.MySql.Server;

/// <summary>
/// Starts a long-lived server that must not depend on us: its own session (setsid), stdin from
/// /dev/null, stdout/stderr appended to a log file. A Ctrl-C or a signal to our process group does
/// not reach it, and no pipe of ours breaks under it when we exit.
/// </summary>
internal static class DetachedLauncher
{
    /// <summary>
    /// sh only sets up the redirections, then execs setsid, which execs the program: one pid throughout,
    /// and we stay its parent, so the runtime reaps it when it exits (no zombie, even under a PID 1 that
    /// does not reap). setsid forks only when already a process-group leader, which a .NET child is not.
    /// </summary>
    public static Process Start(string program, IReadOnlyList<string> args, string logFile, string workingDirectory)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("log=\"$1\"; shift; exec setsid \"$@\" </dev/null >>\"$log\" 2>&1");
        psi.ArgumentList.Add("keel-detached-start"); // $0
        psi.ArgumentList.Add(logFile);
        psi.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"could not launch {program}");
    }
}
