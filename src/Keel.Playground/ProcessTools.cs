using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Keel.Os;

namespace Keel.Playground;

/// <summary>
/// Process plumbing for the playground on Linux: pid files, liveness that does not count zombies (PID 1 on these
/// machines does not reap orphans, so kill -0 lies), signals, and detached starts.
/// </summary>
public static partial class ProcessTools
{
    public const int SigTerm = Signals.SigTerm;
    public const int SigKill = Signals.SigKill;
    private const int PrSetChildSubreaper = 36;
    private const int WNoHang = 1;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int SysPrctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int SysWaitPid(int pid, out int status, int options);

    /// <remarks>SIGSTOP returns once every thread has stopped (at most 5 s), so that a fault is in place when this returns.</remarks>
    public static bool Signal(int pid, int signal) =>
        signal == Signals.SigStop ? Signals.Stop(pid, TimeSpan.FromSeconds(5)) : Signals.Send(pid, signal);

    // Children this process started with Process.Start: the runtime reaps those itself on SIGCHLD, and if we reaped
    // one first, its own waitpid would fail with ECHILD and it ends the whole process ("Error while reaping child.
    // errno = 10", Environment.FailFast). That crashed the test host and, in the supervisor, left a killed agent
    // that nobody restarted.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> StartedHere = new();
    private static volatile bool _subreaper;

    /// <summary>Orphaned descendants are re-parented to this process instead of PID 1, so we can reap them.</summary>
    public static bool BecomeSubreaper() => _subreaper = SysPrctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0;

    /// <summary>
    /// Reaps <paramref name="pid"/> if it is an exited orphan this process adopted as a child subreaper. Anything else
    /// is left alone: a child this process started is the runtime's to reap, and a process that is not our child
    /// cannot be reaped by us at all (its zombie does not count as alive, see <see cref="IsAlive"/>).
    /// </summary>
    public static void Reap(int pid)
    {
        if (_subreaper && !StartedHere.ContainsKey(pid))
        {
            _ = SysWaitPid(pid, out _, WNoHang);
        }
    }

    /// <summary>True when the process exists and is neither a zombie nor dead.</summary>
    public static bool IsAlive(int pid) => ProcFs.IsAlive(pid);

    public static int? ReadPid(string file)
    {
        try
        {
            return int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static int? AlivePid(string pidFile) => ReadPid(pidFile) is { } pid && IsAlive(pid) ? pid : null;

    public static void WritePid(string file, int pid) => File.WriteAllText(file, pid.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>How to run this same program again: the apphost, or `dotnet keel.dll`.</summary>
    public static (string File, IReadOnlyList<string> Prefix) SelfCommand()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path");
        var dll = Environment.GetCommandLineArgs()[0];
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? (host, [dll]) : (host, []);
    }

    /// <summary>
    /// Starts a command in its own session with output appended to a log file (not a pipe of ours, which would
    /// break when we exit). Returns its pid: `exec` keeps the shell's pid for the command.
    /// </summary>
    public static int StartDetached(string file, IEnumerable<string> args, string logFile, IReadOnlyDictionary<string, string>? env = null)
    {
        var command = "exec " + string.Join(' ', new[] { ExternalPrograms.Path(file) }.Concat(args).Select(ShellQuote)) + " >> " + ShellQuote(logFile) + " 2>&1 < /dev/null";
        var psi = ExternalPrograms.StartInfo("setsid", [ExternalPrograms.Path("sh"), "-c", command]);
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        StartedHere[p.Id] = 0;
        return p.Id;
    }

    public static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL. True when it is gone.</summary>
    public static async Task<bool> StopAsync(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid))
        {
            return true;
        }
        Signal(pid, SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline)
        {
            Reap(pid);
            if (!IsAlive(pid))
            {
                return true;
            }
            await Task.Delay(50);
        }
        Signal(pid, SigKill);
        await Task.Delay(100);
        Reap(pid);
        return !IsAlive(pid);
    }
}
