using System.Diagnostics;
using Keel.Etcd;
using Keel.Etcd.Server;
using Keel.Network;
using Keel.Os;

namespace Keel.Playground;

/// <summary>
/// The playground's etcd: three members on loopback by default, as production would run it. Starts and stops them,
/// and does to one member what the etcd fault cases need (kill, pause, cut off the network).
/// </summary>
public sealed class PlaygroundEtcd(PlaygroundSpec spec, PlaygroundLayout layout)
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(30);

    public IReadOnlyList<PlaygroundEtcdMember> Members => spec.EtcdMembers;

    /// <summary>The one member of a single-etcd playground, or the named member.</summary>
    public EtcdServer Server(string name) => new(Options(name));

    private EtcdServerOptions Options(string name)
    {
        var member = Members.FirstOrDefault(m => m.Name == name) ?? throw new ArgumentException($"the playground has no etcd member {name}", nameof(name));
        var dir = layout.EtcdMemberDir(spec, name);
        return new EtcdServerOptions
        {
            ExtraClientAddress = spec.SwitchAddress,
            DataDir = Path.Combine(dir, "data"),
            ClientPort = member.ClientPort,
            PeerPort = member.PeerPort,
            Name = name,
            LogFile = Path.Combine(dir, "etcd.log"),
            InitialCluster = spec.EtcdSize == 1 ? [] : [.. Members.Select(m => new EtcdPeer(m.Name, m.PeerPort))],
            Cgroup = Cgroup(name),
            Tls = spec.TlsControlPlane
                ? new EtcdServerTls(PlaygroundTls.CertFile(layout, PlaygroundTls.EtcdName), PlaygroundTls.KeyFile(layout, PlaygroundTls.EtcdName), PlaygroundTls.CaFile(layout), spec.ClientTls!)
                : null,
        };
    }

    /// <summary>
    /// The cgroup a cluster member runs in, so that it alone can be cut off the network; null for a single etcd or
    /// without cgroup v2 (then cut-off faults cannot run, and say so).
    /// </summary>
    public string? Cgroup(string name) =>
        spec.EtcdSize == 1 ? null : CgroupNetworkCut.PathFor($"keel/etcd-{Members.Single(m => m.Name == name).ClientPort}");

    public string DataDir(string name) => layout.EtcdMemberData(spec, name);

    public int? RunningPid(string name) => Server(name).RunningPid();

    public bool AnyRunning => Members.Any(m => RunningPid(m.Name) is not null);

    /// <summary>
    /// Launches every member that is not running, then waits for each to serve (a member serves only once a quorum
    /// runs). Returns the members started now with their PIDs.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, int Pid)>> StartAsync(TimeSpan timeout, CancellationToken ct)
    {
        var launched = new List<(string Name, int Pid)>();
        foreach (var m in Members.Where(m => RunningPid(m.Name) is null))
        {
            Directory.CreateDirectory(layout.EtcdMemberDir(spec, m.Name));
            launched.Add((m.Name, await Server(m.Name).LaunchIfNotRunningAsync(ct)));
        }

        foreach (var (name, pid) in launched)
        {
            await Server(name).WaitServingAsync(pid, timeout, ct);
        }

        return launched;
    }

    /// <summary>Starts one member again (after a kill), and waits until it serves.</summary>
    public Task<int> StartAsync(string name, TimeSpan timeout, CancellationToken ct) => Server(name).StartAsync(timeout, ct);

    public void Kill(string name) => Server(name).Kill();

    public void KillAll()
    {
        foreach (var m in Members)
        {
            Kill(m.Name);
        }
    }

    /// <summary>SIGSTOP: the member keeps its connections but answers nothing (a very slow etcd).</summary>
    public void Pause(string name) => Signal(name, Signals.SigStop);

    public void Resume(string name) => Signal(name, Signals.SigCont);

    /// <summary>Drops everything the member sends, so neither its peers nor any client hear from it.</summary>
    public Task CutOffAsync(string name, CancellationToken ct) =>
        CgroupNetworkCut.CutAsync(Cgroup(name) ?? throw new InvalidOperationException(CannotCutOffReason()), ct);

    public Task ReconnectAsync(string name, CancellationToken ct) =>
        Cgroup(name) is { } cgroup ? CgroupNetworkCut.RestoreAsync(cgroup, ct) : Task.CompletedTask;

    /// <summary>Null when a member can be cut off the network here, else why not.</summary>
    public string? CannotCutOff() => Members.Count > 1 && CgroupNetworkCut.Cgroup2Root() is not null ? null : CannotCutOffReason();

    /// <summary>Stops every member (SIGTERM, then SIGKILL after <paramref name="timeout"/>); returns the PIDs stopped.</summary>
    public async Task<IReadOnlyList<(string Name, int Pid)>> StopAllAsync(TimeSpan timeout, CancellationToken ct)
    {
        var stopped = new List<(string Name, int Pid)>();
        foreach (var m in Members)
        {
            if (RunningPid(m.Name) is { } pid)
            {
                await ReconnectAsync(m.Name, ct);
                Resume(m.Name); // a stopped process would not act on SIGTERM
                await Server(m.Name).StopAsync(timeout, ct);
                stopped.Add((m.Name, pid));
            }
        }

        foreach (var cgroup in Members.Select(m => Cgroup(m.Name)).OfType<string>().Where(Directory.Exists))
        {
            TryRemoveCgroup(cgroup);
        }

        return stopped;
    }

    /// <summary>
    /// The member that is the raft leader, waiting up to <paramref name="wait"/> while an election runs (after a heal);
    /// null when none says it leads by then.
    /// </summary>
    public async Task<string?> LeaderAsync(TimeSpan wait, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var leader = await LeaderAsync(ct);
            if (leader is not null || waited.Elapsed > wait)
            {
                return leader;
            }

            await Task.Delay(200, ct);
        }
    }

    /// <summary>Writes a snapshot of the store to <paramref name="file"/> with `etcdctl snapshot save` (from the leader).</summary>
    public async Task SaveSnapshotAsync(string file, CancellationToken ct)
    {
        var leader = await LeaderAsync(SnapshotTimeout, ct) ?? throw new InvalidOperationException("no etcd member leads; cannot take a snapshot");
        var url = $"{spec.EtcdScheme}://{PlaygroundSpec.Host}:{Members.Single(m => m.Name == leader).ClientPort}";
        await ExternalCommand.RunCheckedAsync(["etcdctl", "--endpoints", url, .. EtcdctlTls(), "snapshot", "save", file], SnapshotTimeout, ct);
    }

    /// <summary>etcdctl's flags for the playground's CA and client certificate (none without TLS); files, no secret in the arguments.</summary>
    private IEnumerable<string> EtcdctlTls() => spec.ClientTls is not { } tls ? [] :
        ["--cacert", tls.CaFile, "--cert", tls.CertFile!, "--key", tls.KeyFile!];

    /// <summary>
    /// Restores every member from a snapshot, as an operator recovering etcd would: stops them, moves each data
    /// directory aside (never deleted; the returned paths say where), runs `etcdctl snapshot restore` with this
    /// cluster's members, and starts them again. The store then holds the keys of the snapshot's time.
    /// </summary>
    public async Task<IReadOnlyList<string>> RestoreSnapshotAsync(string file, CancellationToken ct)
    {
        KillAll();
        var aside = new List<string>();
        foreach (var m in Members)
        {
            var data = DataDir(m.Name);
            if (Directory.Exists(data))
            {
                var moved = $"{data}.before-restore-{DateTime.UtcNow:yyyyMMddHHmmssfff}";
                Directory.Move(data, moved);
                aside.Add(moved);
            }
            await ExternalCommand.RunCheckedAsync(
                ["etcdctl", "snapshot", "restore", file, "--name", m.Name, "--data-dir", data,
                 "--initial-cluster", Options(m.Name).InitialClusterArgument, "--initial-cluster-token", Options(m.Name).ClusterToken,
                 "--initial-advertise-peer-urls", $"http://{PlaygroundSpec.Host}:{m.PeerPort}"],
                SnapshotTimeout, ct);
        }
        await StartAsync(SnapshotTimeout, ct);
        return aside;
    }

    /// <summary>The member that is the raft leader now, asking each member that answers; null when none says it leads.</summary>
    public async Task<string?> LeaderAsync(CancellationToken ct) =>
        (await StatusesAsync(ct)).FirstOrDefault(s => s.Status?.IsLeader == true).Name;

    /// <summary>What each member says about itself; null for one that does not answer (down, paused or cut off).</summary>
    public async Task<IReadOnlyList<(string Name, EtcdMemberStatus? Status)>> StatusesAsync(CancellationToken ct)
    {
        var statuses = new List<(string, EtcdMemberStatus?)>();
        foreach (var m in Members)
        {
            using var client = new EtcdClient(spec.EtcdOptions(StatusTimeout) with { Endpoints = [new Uri($"{spec.EtcdScheme}://{PlaygroundSpec.Host}:{m.ClientPort}")] });
            try
            {
                statuses.Add((m.Name, await client.MemberStatusAsync(ct)));
            }
            catch (EtcdException)
            {
                statuses.Add((m.Name, null));
            }
        }

        return statuses;
    }

    private string CannotCutOffReason() => Members.Count == 1
        ? "cutting one etcd member off needs an etcd cluster (this playground runs a single etcd)"
        : "cutting one etcd member off needs cgroup v2 (none is mounted)";

    private void Signal(string name, int signal)
    {
        if (RunningPid(name) is { } pid)
        {
            Signals.Send(pid, signal);
        }
    }

    /// <summary>An empty cgroup can go; one that still holds a process (a stray etcd) stays, which is harmless.</summary>
    private static void TryRemoveCgroup(string cgroup)
    {
        try
        {
            Directory.Delete(cgroup);
        }
        catch (IOException)
        {
            // Busy: a process still lives in it.
        }
    }
}
