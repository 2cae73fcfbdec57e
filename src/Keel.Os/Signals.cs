using System.Runtime.InteropServices;

namespace Keel.Os;

/// <summary>
/// kill(2). The base class library only sends SIGKILL to other processes; shutdown wants SIGTERM first, and fault
/// injection wants SIGSTOP and SIGCONT.
/// </summary>
public static partial class Signals
{
    // Linux numbers (x86_64 and arm64 agree); Keel only manages processes on Linux.
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>
    /// Signals one process (<paramref name="pid"/> &gt; 0) or a process group (a negative pid). False when there is
    /// no such process or it cannot be signalled. 0 and -1 (our own group, every process) are refused: a pid file
    /// that reads 0 must never turn into "kill everything".
    /// </summary>
    public static bool Send(int pid, int signal) => pid is not (0 or -1) && SysKill(pid, signal) == 0;

    /// <summary>
    /// SIGSTOP, then waits (at most <paramref name="wait"/>) until every thread has stopped, so that what the caller
    /// does next meets a frozen process. False when the process could not be signalled or did not stop in time.
    /// </summary>
    public static bool Stop(int pid, TimeSpan wait)
    {
        if (!Send(pid, SigStop))
        {
            return false;
        }
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!ProcFs.IsStopped(pid))
        {
            if (waited.Elapsed >= wait)
            {
                return false;
            }
            Thread.Sleep(2);
        }
        return true;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
