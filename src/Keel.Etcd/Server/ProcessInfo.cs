using System.Runtime.InteropServices;

namespace Keel.Etcd.Server;

/// <summary>
/// Facts about a PID read from /proc, and signals. PID 1 on our machines does not reap orphans, so a dead server
/// may linger as a zombie for which kill(pid, 0) still succeeds: liveness is "/proc says it exists and is not Z".
/// </summary>
internal static partial class ProcessInfo
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>True if the process exists, is not a zombie, and its command line contains <paramref name="argument"/>.</summary>
    public static bool IsAlive(int pid, string argument)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // "pid (comm) S ...": comm may contain spaces and parentheses, so the state follows the LAST ')'.
            var close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X')
            {
                return false;
            }

            // Guards against a recycled PID: the command line must still be ours.
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return cmdline.Contains(argument, StringComparer.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal; false if the process is gone.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
