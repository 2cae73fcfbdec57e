namespace Keel.MySql.Server;

/// <summary>
/// Process facts from /proc. kill(pid, 0) is not enough here: a zombie still "exists" (and PID 1 on
/// these machines does not reap orphans), so liveness is read from the state field instead.
/// </summary>
internal static class ProcFs
{
    /// <summary>State letter from /proc/PID/stat ('R', 'S', 'D', 'T', 'Z', 'X', ...), or null if there is no such process.</summary>
    public static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // "pid (comm) S ...": comm may itself contain ')' or spaces, so look after the last ')'.
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone (or going) between the check and the read
        }
    }

    /// <summary>Arguments from /proc/PID/cmdline (empty for zombies and kernel threads).</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
