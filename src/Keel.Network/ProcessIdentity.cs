using System.Globalization;

namespace Keel.Network;

/// <summary>
/// Liveness by /proc, not kill -0: PID 1 on these machines does not reap orphans, so a killed detached process
/// lingers as a zombie that kill -0 still reports. A pid counts as the same process only with the same start time.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>Start time in clock ticks since boot, or null when there is no such process (or only a zombie).</summary>
    public static long? StartTimeOf(int pid)
    {
        var fields = StatFields(pid);
        return fields is null || IsDeadState(fields[0]) ? null : long.Parse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public static bool IsAlive(int pid, long startTime) => pid > 0 && StartTimeOf(pid) == startTime;

    /// <summary>The process group, so that teardown can also stop what a tracked command forked.</summary>
    public static int? ProcessGroupOf(int pid) =>
        StatFields(pid) is { } f ? int.Parse(f[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    public static long CurrentStartTime() =>
        StartTimeOf(Environment.ProcessId) ?? throw new NetworkLabException("cannot read this process's start time from /proc");

    // Fields after the parenthesised command name (which may itself hold spaces or parentheses): [0] is the state,
    // [2] the process group, [19] the start time (fields 3, 5 and 22 in proc(5)).
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsDeadState(string state) => state is "Z" or "X" or "x";
}
