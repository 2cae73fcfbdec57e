using System.Diagnostics;
using Keel.Os;

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
        var psi = ExternalPrograms.StartInfo("sh",
        [
            "-c", "log=\"$1\"; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1",
            "keel-detached-start", // $0
            logFile,
            ExternalPrograms.Path("setsid"),
            ExternalPrograms.Path(program),
            .. args,
        ]);
        psi.WorkingDirectory = workingDirectory;

        return Process.Start(psi) ?? throw new InvalidOperationException($"could not launch {program}");
    }
}
