using System.Globalization;
using Keel.Os;

namespace Keel.Network;

/// <summary>Long-running processes inside lab hosts, tracked so that teardown stops them.</summary>
public sealed partial class NetworkLab
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    // setsid -f always forks, so the command leads its own session (no signal from our terminal or test host's
    // group reaches it, and teardown can signal its whole group). The shell prints its own pid and then execs the
    // command with that pid, so the pid we return is the command's, not a wrapper's. The redirections replace the
    // pipe we read from, so our read ends as soon as the command runs.
    private const string DetachScript = "log=$1; shift; echo $$; exec \"$@\" >>\"$log\" 2>&1 </dev/null";

    /// <summary>
    /// Starts <paramref name="argv"/> inside <paramref name="host"/>, detached, output appended to
    /// <paramref name="logFile"/>; returns the command's pid. Disposing the lab stops it (SIGTERM, then SIGKILL).
    /// </summary>
    public async Task<int> StartProcessAsync(string host, IReadOnlyList<string> argv, string logFile, CancellationToken ct)
    {
        if (argv.Count == 0)
        {
            throw new ArgumentException("empty command", nameof(argv));
        }
        var log = Path.GetFullPath(logFile);
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var r = await ExternalCommand.RunCheckedAsync(
            [.. ExecPrefix(host), ExternalPrograms.Path("setsid"), "-f", ExternalPrograms.Path("sh"), "-c", DetachScript, "keel-netlab", log, ExternalPrograms.Path(argv[0]), .. argv.Skip(1)], StartTimeout, ct);
        var first = Ip.Lines(r.StdOut).FirstOrDefault();
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            throw new NetworkLabException($"could not learn the pid of `{string.Join(' ', argv)}` in {host}: {r.Describe()}");
        }
        // A command that already exited (bad argv, see its log) has nothing left to track.
        if (ProcessIdentity.StartTimeOf(pid) is { } start)
        {
            var p = new LabProcess(host, pid, start);
            lock (_gate)
            {
                _started.Add(p);
            }
            // Recorded in the state file too, so that an opened lab or a later stale sweep can stop it.
            await UpdateStateAsync(s => s with { Processes = [.. s.Processes, p] }, ct);
        }
        return pid;
    }

    /// <summary>The processes this lab started (this instance or any other that opened the same lab).</summary>
    public IReadOnlyList<LabProcess> Processes
    {
        get
        {
            lock (_gate)
            {
                return [.. _state.Processes.Concat(_started).Distinct()];
            }
        }
    }
}
