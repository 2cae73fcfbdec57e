using Keel.Os;

namespace Keel.Network;

/// <summary>
/// A pid counts as the same process only with the same start time (pids are recycled), and a zombie counts as dead:
/// PID 1 on these machines does not reap orphans, so kill -0 would still report it.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>Start time in clock ticks since boot, or null when there is no such process (or only a zombie).</summary>
    public static long? StartTimeOf(int pid) => ProcFs.StartTime(pid);

    public static bool IsAlive(int pid, long startTime) => pid > 0 && StartTimeOf(pid) == startTime;

    /// <summary>The process group, so that teardown can also stop what a tracked command forked.</summary>
    public static int? ProcessGroupOf(int pid) => ProcFs.ProcessGroup(pid);

    public static long CurrentStartTime() =>
        StartTimeOf(Environment.ProcessId) ?? throw new NetworkLabException("cannot read this process's start time from /proc");
}
