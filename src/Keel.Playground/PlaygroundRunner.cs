using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keel.Agent.Store;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.Etcd.Server;
using Keel.MySql.Server;
using Keel.Network;
using Keel.Os;

namespace Keel.Playground;

/// <summary>A failure of `keel up` or `keel down` with a message for the operator.</summary>
public sealed class PlaygroundException(string message) : Exception(message);

/// <summary>
/// Starts and stops the local playground: an etcd cluster, HAProxy, and a supervisor that keeps one agent per member
/// running (the agents start their servers). Every step checks whether its process already runs, so running
/// `keel up` twice is harmless.
/// </summary>
public sealed class PlaygroundRunner
{
    private readonly PlaygroundLayout _layout;
    private readonly TextWriter _out;
    private readonly (string File, IReadOnlyList<string> Prefix) _keel;

    /// <param name="keelCommand">How to run `keel` for the supervisor; default: this same program.</param>
    public PlaygroundRunner(PlaygroundLayout layout, TextWriter output, (string File, IReadOnlyList<string> Prefix)? keelCommand = null)
    {
        _layout = layout;
        _out = output;
        _keel = keelCommand ?? ProcessTools.SelfCommand();
    }

    public PlaygroundLayout Layout => _layout;

    /// <summary>The saved spec, or the default one (with <paramref name="basePort"/>) saved now.</summary>
    public PlaygroundSpec LoadOrCreateSpec(int? basePort = null) => LoadOrCreateSpec(() => PlaygroundSpec.Default(basePort ?? 3400));

    /// <summary>The saved spec, or the one <paramref name="create"/> makes, saved now.</summary>
    public PlaygroundSpec LoadOrCreateSpec(Func<PlaygroundSpec> create)
    {
        if (File.Exists(_layout.SpecFile))
        {
            return PlaygroundSpec.FromJson(File.ReadAllText(_layout.SpecFile));
        }
        PrivateDirectory.Create(_layout.Home);
        var spec = create();
        if (spec.Tls)
        {
            spec = spec with { TlsDir = PlaygroundTls.Dir(_layout) };
        }
        AtomicFile.WriteSecret(_layout.SpecFile, spec.ToJson());
        return spec;
    }

    public PlaygroundSpec? LoadSpec() =>
        File.Exists(_layout.SpecFile) ? PlaygroundSpec.FromJson(File.ReadAllText(_layout.SpecFile)) : null;

    public PlaygroundEtcd Etcd(PlaygroundSpec spec) => new(spec, _layout);

    public MariaDbServer Server(PlaygroundMember m) => new(new MariaDbServerOptions
    {
        DataDir = _layout.MemberData(m.Name),
        RunDir = _layout.MemberRun(m.Name),
        Port = m.MySqlPort,
        ServerId = m.ServerId,
    });

    public Task<PlaygroundSpec> UpAsync(int? basePort, TimeSpan timeout, CancellationToken ct) =>
        UpAsync(LoadOrCreateSpec(basePort), timeout, ct);

    public async Task<PlaygroundSpec> UpAsync(PlaygroundSpec spec, TimeSpan timeout, CancellationToken ct, bool waitHealthy = true)
    {
        var started = Stopwatch.StartNew();
        CheckPorts(spec);
        NetworkLab? lab = null;
        if (spec.IsolatedHosts)
        {
            (spec, lab) = await EnsureLabAsync(spec, ct);
        }

        // Before etcd: with TLS it serves with a certificate from the playground's CA.
        if (spec.TlsEnabled)
        {
            PlaygroundTls.Ensure(_layout, spec);
        }
        try
        {
            foreach (var (name, pid) in await Etcd(spec).StartAsync(TimeSpan.FromSeconds(30), ct))
            {
                var member = spec.EtcdMembers.Single(e => e.Name == name);
                await _out.WriteLineAsync($"started etcd member {name} on {PlaygroundSpec.Host}:{member.ClientPort} (pid {pid})");
            }
        }
        catch (EtcdStartException ex)
        {
            throw new PlaygroundException($"etcd did not start: {ex.Message}");
        }

        foreach (var m in spec.Members)
        {
            PrivateDirectory.Create(_layout.MemberDir(m.Name));
            Directory.CreateDirectory(_layout.MemberRun(m.Name));
            AtomicFile.WriteSecret(_layout.MemberConfig(m.Name), ConfigFiles.AgentYaml(spec, _layout, m));
        }

        await StartHaproxyAsync(spec, ct);

        if (ProcessTools.AlivePid(_layout.SupervisorPid) is null)
        {
            var pid = ProcessTools.StartDetached(_keel.File, _keel.Prefix.Concat(["supervise", "--home", _layout.Home]), _layout.SupervisorLog);
            ProcessTools.WritePid(_layout.SupervisorPid, pid);
            await _out.WriteLineAsync($"started the supervisor (pid {pid}); it starts one agent per member");
        }
        if (lab is not null)
        {
            // The lab must outlive this command: the supervisor owns it from now on, so no stale sweep removes it.
            await lab.TransferOwnershipAsync(ProcessTools.AlivePid(_layout.SupervisorPid)!.Value, ct);
            lab.Detach();
            await lab.DisposeAsync();
        }

        AtomicFile.WriteSecret(_layout.ClientCnf, ConfigFiles.ClientCnf(spec, _layout));
        // Member keys written before a `keel down` come back with etcd; only states published since now count.
        if (waitHealthy)
        {
            await WaitHealthyAsync(spec, timeout, ct, since: DateTimeOffset.UtcNow - started.Elapsed);
            await _out.WriteLineAsync($"the cluster is ready ({started.Elapsed.TotalSeconds:0.0} s)");
        }
        return spec;
    }

    /// <summary>
    /// The network lab of an isolated playground: the existing one while it lives, else a new one (after a reboot or
    /// `keel down`). Member addresses may change with a new lab; agents re-point replication by themselves.
    /// </summary>
    private async Task<(PlaygroundSpec, NetworkLab)> EnsureLabAsync(PlaygroundSpec spec, CancellationToken ct)
    {
        if (NetworkLab.CannotRunReason() is { } why)
        {
            throw new PlaygroundException($"isolated hosts need network namespaces: {why}");
        }
        if (spec.LabRunId is { } runId)
        {
            try
            {
                return (spec, await NetworkLab.OpenAsync(runId, ct));
            }
            catch (NetworkLabException)
            {
                // Gone: make a new one below.
            }
        }
        var lab = await NetworkLab.CreateAsync(spec.Members.Select(m => m.Name).ToList(), ct);
        spec = spec with
        {
            LabRunId = lab.RunId,
            SwitchAddress = lab.SwitchAddress,
            Members = spec.Members.Select(m => m with { Address = lab.Host(m.Name).Address, Namespace = lab.Host(m.Name).Namespace }).ToList(),
        };
        AtomicFile.WriteSecret(_layout.SpecFile, spec.ToJson());
        await _out.WriteLineAsync($"created isolated hosts: {string.Join(", ", spec.Members.Select(m => $"{m.Name} {m.Address} (netns {m.Namespace})"))}; etcd on {lab.SwitchAddress}");
        return (spec, lab);
    }

    /// <summary>The network lab of this playground, for `keel chaos`; null when it has none.</summary>
    public async Task<NetworkLab?> OpenLabAsync(CancellationToken ct)
    {
        var spec = LoadSpec();
        return spec?.LabRunId is { } runId ? await NetworkLab.OpenAsync(runId, ct) : null;
    }

    private void CheckPorts(PlaygroundSpec spec)
    {
        var ours = new HashSet<int>();
        foreach (var e in spec.EtcdMembers.Where(e => Etcd(spec).RunningPid(e.Name) is not null))
        {
            ours.Add(e.ClientPort);
            ours.Add(e.PeerPort);
        }
        if (ProcessTools.AlivePid(_layout.HaproxyPid) is not null)
        {
            ours.Add(spec.ReadWritePort);
            ours.Add(spec.ReadOnlyPort);
        }
        foreach (var m in spec.Members)
        {
            if (Server(m).RunningPid() is not null)
            {
                ours.Add(m.MySqlPort);
            }
            if (ProcessTools.AlivePid(_layout.AgentPid(m.Name)) is not null)
            {
                ours.Add(m.ApiPort);
            }
        }
        var busy = spec.AllPorts().Where(p => !ours.Contains(p) && InUse(p)).ToList();
        if (busy.Count > 0)
        {
            throw new PlaygroundException(
                $"port(s) {string.Join(", ", busy)} on {PlaygroundSpec.Host} are already in use by another program; " +
                $"stop it, or use another home with other ports (keel up --home DIR --port-base N)");
        }
    }

    private static bool InUse(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private async Task StartHaproxyAsync(PlaygroundSpec spec, CancellationToken ct)
    {
        Directory.CreateDirectory(_layout.HaproxyDir);
        await File.WriteAllTextAsync(_layout.HaproxyConfig, ConfigFiles.HaproxyCfg(spec, _layout), ct);
        if (ProcessTools.AlivePid(_layout.HaproxyPid) is not null)
        {
            return;
        }
        // -db keeps it in the foreground of its own session: its pid is the one we start.
        var pid = ProcessTools.StartDetached("haproxy", ["-db", "-f", _layout.HaproxyConfig], Path.Combine(_layout.HaproxyDir, "haproxy.log"));
        ProcessTools.WritePid(_layout.HaproxyPid, pid);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!File.Exists(_layout.HaproxySocket))
        {
            if (!ProcessTools.IsAlive(pid) || DateTime.UtcNow > deadline)
            {
                var log = File.Exists(Path.Combine(_layout.HaproxyDir, "haproxy.log")) ? await File.ReadAllTextAsync(Path.Combine(_layout.HaproxyDir, "haproxy.log"), ct) : "";
                throw new PlaygroundException($"HAProxy did not start: {log.Trim()}");
            }
            await Task.Delay(50, ct);
        }
        await _out.WriteLineAsync($"started HAProxy: read-write {PlaygroundSpec.Host}:{spec.ReadWritePort}, read-only {PlaygroundSpec.Host}:{spec.ReadOnlyPort} (pid {pid})");
    }

    /// <summary>Waits for one writable primary and every other member streaming from it.</summary>
    public async Task WaitHealthyAsync(PlaygroundSpec spec, TimeSpan timeout, CancellationToken ct, DateTimeOffset? since = null)
    {
        var freshSince = since ?? DateTimeOffset.MinValue;
        using var etcd = new EtcdClient(spec.EtcdOptions());
        var store = new ClusterStore(etcd, new KeyLayout(spec.Cluster));
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (true)
        {
            string state;
            try
            {
                var view = await store.ReadAsync(ct);
                state = Describe(spec, view, freshSince, out var healthy);
                if (healthy)
                {
                    return;
                }
                if (view.Members.Values.FirstOrDefault(m => m.Server == ServerStatus.Stopped && m.LastError?.StartsWith("StartServer failed", StringComparison.Ordinal) == true) is { } broken)
                {
                    throw new PlaygroundException($"the server of {broken.Name} does not start: {broken.LastError}");
                }
            }
            catch (EtcdException ex)
            {
                state = $"etcd: {ex.Message}";
            }
            if (state != last)
            {
                await _out.WriteLineAsync($"  waiting: {state}");
                last = state;
            }
            if (DateTime.UtcNow > deadline)
            {
                var logs = string.Join(", ", spec.Members.Select(m => _layout.AgentLog(m.Name)));
                throw new PlaygroundException($"the cluster did not become healthy within {timeout.TotalSeconds:0} s ({state}); see {logs}");
            }
            await Task.Delay(200, ct);
        }
    }

    private static string Describe(PlaygroundSpec spec, ClusterView view, DateTimeOffset since, out bool healthy)
    {
        healthy = false;
        var stale = spec.Members.Where(m => !view.Members.TryGetValue(m.Name, out var s) || s.UpdatedAt < since).Select(m => m.Name).ToList();
        if (stale.Count > 0)
        {
            return $"waiting for the agents of {string.Join(", ", stale)} to report";
        }
        if (spec.Galera)
        {
            var notSynced = spec.Members.Where(m => !(view.Members.TryGetValue(m.Name, out var n) && n.GaleraServes(allowDonor: false)))
                .Select(m => m.Name).ToList();
            healthy = notSynced.Count == 0 && view.Leader is not null;
            return healthy ? "healthy" : notSynced.Count > 0 ? $"waiting for {string.Join(", ", notSynced)} to be Synced in the Primary Component" : "choosing a writer";
        }
        if (view.Leader is not { } leader)
        {
            return view.IsInitialized ? "electing a primary" : "initializing the cluster";
        }
        if (!view.Members.TryGetValue(leader.Name, out var p) || p.ReadOnly != false)
        {
            return $"{leader.Name} is becoming the primary";
        }
        var lagging = spec.Members.Where(m => m.Name != leader.Name)
            .Where(m => !view.Members.TryGetValue(m.Name, out var r) || !(r.IoRunning && r.SqlRunning && r.Following == leader.Name))
            .Select(m => m.Name)
            .ToList();
        healthy = lagging.Count == 0;
        return healthy ? "healthy" : $"primary {leader.Name}; waiting for {string.Join(", ", lagging)} to stream from it";
    }

    /// <summary>
    /// Stops the members' processes: every watchdog, then every agent (so none acts on its server stopping), then
    /// every server; each process gets <paramref name="grace"/> after SIGTERM, each server <paramref name="serverGrace"/>.
    /// </summary>
    public async Task StopMembersAsync(IReadOnlyList<PlaygroundMember> members, TimeSpan grace, TimeSpan serverGrace, CancellationToken ct)
    {
        foreach (var (what, pidFile) in members.Select(m => ($"watchdog of {m.Name}", _layout.WatchdogPid(m.Name)))
                     .Concat(members.Select(m => ($"agent of {m.Name}", _layout.AgentPid(m.Name)))))
        {
            if (ProcessTools.AlivePid(pidFile) is { } pid)
            {
                await ProcessTools.StopAsync(pid, grace);
                await _out.WriteLineAsync($"stopped the {what} (pid {pid})");
            }
        }
        foreach (var m in members)
        {
            var server = Server(m);
            if (server.RunningPid() is { } pid)
            {
                await server.StopAsync(serverGrace, ct);
                ProcessTools.Reap(pid);
                await _out.WriteLineAsync($"stopped the server of {m.Name} (pid {pid})");
            }
        }
    }

    /// <summary>Stops everything the playground started, supervisor first so that nothing is restarted.</summary>
    public async Task DownAsync(bool purge, CancellationToken ct)
    {
        var spec = LoadSpec();
        if (ProcessTools.AlivePid(_layout.SupervisorPid) is { } sup)
        {
            await ProcessTools.StopAsync(sup, TimeSpan.FromSeconds(5));
            await _out.WriteLineAsync($"stopped the supervisor (pid {sup})");
        }
        if (spec is not null)
        {
            await StopMembersAsync(spec.Members, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), ct);
        }
        if (ProcessTools.AlivePid(_layout.HaproxyPid) is { } haproxy)
        {
            await ProcessTools.StopAsync(haproxy, TimeSpan.FromSeconds(5));
            await _out.WriteLineAsync($"stopped HAProxy (pid {haproxy})");
        }
        if (spec is not null)
        {
            foreach (var (name, pid) in await Etcd(spec).StopAllAsync(TimeSpan.FromSeconds(10), ct))
            {
                await _out.WriteLineAsync($"stopped etcd member {name} (pid {pid})");
            }
        }
        if (spec?.LabRunId is { } labId)
        {
            try
            {
                await using var lab = await NetworkLab.OpenAsync(labId, ct);
                await _out.WriteLineAsync($"deleting the isolated hosts (network lab {labId})");
            }
            catch (NetworkLabException)
            {
                // Already gone.
            }
            AtomicFile.WriteSecret(_layout.SpecFile, (spec with { LabRunId = null }).ToJson());
        }
        if (purge && Directory.Exists(_layout.Home))
        {
            Directory.Delete(_layout.Home, recursive: true);
            await _out.WriteLineAsync($"deleted {_layout.Home}");
        }
    }
}
