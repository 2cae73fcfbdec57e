using System.Globalization;

namespace Keel.Os;

/// <summary>
/// Process facts from /proc. kill(pid, 0) is not enough here: PID 1 on these machines does not reap orphans, so a
/// killed detached process lingers as a zombie that still "exists"; liveness is read from the state field instead.
/// </summary>
public static class ProcFs
{
    /// <summary>State letter from /proc/PID/stat ('R', 'S', 'D', 'T', 'Z', 'X', ...), or null if there is no such process.</summary>
    public static char? State(int pid) => StatFields(pid) is { } f && f[0].Length > 0 ? f[0][0] : null;

    /// <summary>True when the process exists and is neither a zombie nor dead.</summary>
    public static bool IsAlive(int pid) => pid > 0 && State(pid) is { } s && s is not ('Z' or 'X' or 'x');

    /// <summary>Alive, and its command line still holds <paramref name="argument"/>: guards against a recycled pid.</summary>
    public static bool IsAlive(int pid, string argument) => IsAlive(pid) && CommandLine(pid).Contains(argument, StringComparer.Ordinal);

    /// <summary>Arguments from /proc/PID/cmdline (empty for zombies, kernel threads and missing processes).</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// True when every thread of the process is stopped ('T', or 't' under a tracer). kill(SIGSTOP) returns before the
    /// stop has taken effect: a thread running on another core can still answer a request for a moment.
    /// </summary>
    public static bool IsStopped(int pid)
    {
        try
        {
            var tasks = Directory.GetDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task");
            return tasks.Length > 0 && tasks.All(t => int.TryParse(Path.GetFileName(t), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)
                && TaskState(pid, tid) is null or 'T' or 't');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static char? TaskState(int pid, int tid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task/{tid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the thread ended meanwhile
        }
    }

    /// <summary>Start time in clock ticks since boot, or null when there is no such process (or only a zombie).</summary>
    public static long? StartTime(int pid) =>
        StatFields(pid) is { Length: > 19 } f && f[0] is not ("Z" or "X" or "x") ? long.Parse(f[19], NumberStyles.None, CultureInfo.InvariantCulture) : null;

    /// <summary>The process group, or null when there is no such process.</summary>
    public static int? ProcessGroup(int pid) =>
        StatFields(pid) is { Length: > 2 } f ? int.Parse(f[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    // Fields after the parenthesised command name (which may itself hold spaces or parentheses, so split after the
    // LAST ')'): [0] is the state, [2] the process group, [19] the start time (fields 3, 5 and 22 in proc(5)).
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length ? stat[(close + 2)..].Split(' ') : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone (or going) between the check and the read
        }
    }
}
