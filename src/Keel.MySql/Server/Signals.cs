using System.Runtime.InteropServices;

namespace Keel.MySql.Server;

/// <summary>kill(2). Process.Kill only sends SIGKILL, and shutdown and fault injection need the others.</summary>
internal static partial class Signals
{
    // Linux numbers (x86_64 and arm64 agree); Keel only manages servers on Linux.
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>Sends <paramref name="signal"/>; false if the process does not exist (ESRCH) or cannot be signalled.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
