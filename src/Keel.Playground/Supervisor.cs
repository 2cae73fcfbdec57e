namespace Keel.Playground;

/// <summary>
/// What systemd does in production, for the playground: keeps one agent per member running, restarting any that
/// exits, and reaps the servers those agents leave behind (it is a child subreaper, so orphans come to it rather
/// than to a PID 1 that does not reap). It never touches the servers themselves.
/// </summary>
public sealed class Supervisor
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromMilliseconds(500);
    private readonly PlaygroundLayout _layout;
    private PlaygroundSpec _spec;
    private DateTime _specWrittenAt;
    private readonly TextWriter _log;

    public Supervisor(PlaygroundLayout layout, PlaygroundSpec spec, TextWriter log)
    {
        _layout = layout;
        _spec = spec;
        _log = log;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        if (!ProcessTools.BecomeSubreaper())
        {
            await _log.WriteLineAsync("warning: could not become a child subreaper; exited servers may linger as zombies");
        }
        ProcessTools.WritePid(_layout.SupervisorPid, Environment.ProcessId);
        var (self, prefix) = ProcessTools.SelfCommand();
        var lastStart = new Dictionary<string, DateTime>();
        while (!ct.IsCancellationRequested)
        {
            ReloadSpec();
            foreach (var m in _spec.Members)
            {
                ReapServer(m);
                var agent = prefix.Concat(["agent", "--config", _layout.MemberConfig(m.Name)]).ToList();
                // An isolated member's agent (and so its server) runs inside the member's namespace; `ip netns exec`
                // execs the command, so the pid stays the agent's.
                await KeepRunningAsync($"the agent of {m.Name}", _layout.AgentPid(m.Name), lastStart, ct, () => m.Namespace is { } ns
                    ? ProcessTools.StartDetached("ip", ["netns", "exec", ns, self, .. agent], _layout.AgentLog(m.Name))
                    : ProcessTools.StartDetached(self, agent, _layout.AgentLog(m.Name)));
                // The fencing watchdog needs only the server's unix socket and the agent's promise file, so it runs in
                // the root namespace: cutting the member's network cannot cut it off from the server.
                var watchdog = prefix.Concat(["watchdog", "--config", _layout.MemberConfig(m.Name)]).ToList();
                await KeepRunningAsync($"the watchdog of {m.Name}", _layout.WatchdogPid(m.Name), lastStart, ct,
                    () => ProcessTools.StartDetached(self, watchdog, _layout.WatchdogLog(m.Name)));
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Starts the process behind <paramref name="pidFile"/> unless it runs (at most once per restart delay).</summary>
    /// <summary>`keel member add/remove` rewrite the spec: members added are kept running from then on, removed ones no longer.</summary>
    private void ReloadSpec()
    {
        try
        {
            var at = File.GetLastWriteTimeUtc(_layout.SpecFile);
            if (at != _specWrittenAt)
            {
                _spec = PlaygroundSpec.FromJson(File.ReadAllText(_layout.SpecFile));
                _specWrittenAt = at;
            }
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            // Being rewritten (atomically, but a read can race the rename): the next loop reads it.
        }
    }

    private async Task KeepRunningAsync(string what, string pidFile, Dictionary<string, DateTime> lastStart, CancellationToken ct, Func<int> start)
    {
        if (ProcessTools.ReadPid(pidFile) is { } old)
        {
            ProcessTools.Reap(old);
            if (ProcessTools.IsAlive(old))
            {
                return;
            }
        }
        if (lastStart.TryGetValue(pidFile, out var at) && DateTime.UtcNow - at < RestartDelay)
        {
            return;
        }
        var pid = start();
        ProcessTools.WritePid(pidFile, pid);
        lastStart[pidFile] = DateTime.UtcNow;
        await _log.WriteLineAsync($"{DateTime.UtcNow:O} started {what} (pid {pid})");
        await _log.FlushAsync(ct);
    }

    private void ReapServer(PlaygroundMember m)
    {
        if (ProcessTools.ReadPid(Path.Combine(_layout.MemberRun(m.Name), "mysqld.pid")) is { } serverPid)
        {
            ProcessTools.Reap(serverPid);
        }
    }
}
