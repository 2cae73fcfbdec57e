using Keel.Os;
namespace Keel.Network;

/// <summary>
/// Stops processes a lab started: SIGTERM, a bounded wait, then SIGKILL. Each is addressed by pid plus start time,
/// so a pid that was reused by something else in the meantime is left alone.
/// </summary>
internal static class ProcessKiller
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    /// <summary>Returns the processes that still ran after SIGKILL (normally none).</summary>
    public static async Task<IReadOnlyList<(int Pid, long StartTime)>> StopAsync(IEnumerable<(int Pid, long StartTime)> targets, TimeSpan grace)
    {
        var alive = targets.Distinct().Where(t => ProcessIdentity.IsAlive(t.Pid, t.StartTime)).ToList();
        Signal(alive, Signals.SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (alive.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, CancellationToken.None);
            alive.RemoveAll(t => !ProcessIdentity.IsAlive(t.Pid, t.StartTime));
        }
        Signal(alive, Signals.SigKill);
        for (var i = 0; i < 20 && alive.Count > 0; i++)
        {
            await Task.Delay(50, CancellationToken.None);
            alive.RemoveAll(t => !ProcessIdentity.IsAlive(t.Pid, t.StartTime));
        }
        return alive;
    }

    private static void Signal(List<(int Pid, long StartTime)> targets, int signal)
    {
        foreach (var (pid, startTime) in targets)
        {
            if (!ProcessIdentity.IsAlive(pid, startTime))
            {
                continue;
            }
            // Lab processes are started with setsid, so they lead their own group: signalling the group also stops
            // what they forked (a mariadbd under a wrapper script). Anything else gets only itself signalled.
            var target = ProcessIdentity.ProcessGroupOf(pid) == pid ? -pid : pid;
            Signals.Send(target, signal);
        }
    }
}
