using System.Runtime.InteropServices;

namespace Keel.Network;

/// <summary>
/// kill(2): the base class library only offers SIGKILL for other processes, and teardown wants SIGTERM first so
/// that mariadbd and the agent can exit cleanly.
/// </summary>
internal static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    /// <summary>Signals one process (<paramref name="pid"/> &gt; 0) or a process group (negative).</summary>
    public static bool Send(int pid, int signal) => SysKill(pid, signal) == 0;
}
