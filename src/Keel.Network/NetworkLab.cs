using Keel.Os;

namespace Keel.Network;

/// <summary>
/// Simulated machines for playground and scenario tests: one network namespace per cluster member, all plugged
/// into a bridge in the root namespace (the "switch", where etcd and HAProxy listen), with faults to inject: a NIC
/// down or a partition. Needs root; see test-hosts.md for the safety rules this class implements (guard route
/// first, namespace-side cuts, no default route in namespaces, cleanup of only our own things).
/// </summary>
/// <remarks>
/// Topology for hosts h0..hn of run R in 10.213.X.0/24: bridge kbrR = 10.213.X.1/24 in the root namespace; per host
/// i a namespace keel-R-NAME whose eth0 = 10.213.X.(10+i)/24 is a veth peered with kvRhi on the bridge; guard route
/// `unreachable 10.213.X.0/24 metric 4242`; state in /run/keel-netlab/R.json.
/// </remarks>
public sealed partial class NetworkLab : IAsyncDisposable
{
    private readonly List<LabProcess> _started = [];
    private readonly Lock _gate = new();
    private NetworkLabState _state;
    private bool _detached;
    private bool _disposed;

    private NetworkLab(NetworkLabState state, IReadOnlyList<string> swept)
    {
        _state = state;
        Swept = swept;
    }

    public string RunId => _state.RunId;

    /// <summary>The lab's /24, e.g. "10.213.1.0/24".</summary>
    public string Subnet => _state.Subnet;

    /// <summary>The bridge's address: reachable from every host whose NIC is up and which is not isolated.</summary>
    public string SwitchAddress => _state.SwitchAddress;

    public string BridgeInterface => _state.Bridge;

    public IReadOnlyList<LabHost> Hosts => _state.Hosts;

    public string StateFile => LabStateStore.PathOf(RunId);

    /// <summary>What the stale sweep removed while this lab was being created (empty for an opened lab).</summary>
    public IReadOnlyList<string> Swept { get; }

    /// <summary>Builds a new lab; first removes the leftovers of earlier runs whose owner process is gone.</summary>
    public static async Task<NetworkLab> CreateAsync(IReadOnlyList<string> hostNames, CancellationToken ct)
    {
        ValidateHostNames(hostNames);
        if (CannotRunReason() is { } reason)
        {
            throw new NetworkLabException(reason);
        }
        // The whole build runs under the machine-wide lab lock: the sweep and the subnet choice must not interleave
        // with another process's build, and concurrent first-time `ip netns add` calls race on mounting /run/netns.
        using var held = await LabStateStore.LockAsync(ct);
        var runId = LabNames.NewRunId();
        for (var i = 0; i < 10 && File.Exists(LabStateStore.PathOf(runId)); i++)
        {
            runId = LabNames.NewRunId();
        }
        var swept = await StaleLabSweeper.SweepAsync(ct);
        var octet = await SubnetPicker.PickAsync(LabStateStore.ReadAll().Select(s => s.SubnetOctet), ct);
        var hosts = hostNames
            .Select((name, i) => new LabHost(
                name,
                LabNames.Namespace(runId, name),
                LabNames.HostAddress(octet, i),
                LabNames.HostVeth(runId, i),
                LabNames.NamespaceInterface))
            .ToList();
        var state = new NetworkLabState(
            runId, Environment.ProcessId, ProcessIdentity.CurrentStartTime(), octet, LabNames.Bridge(runId), hosts, []);
        // The state file comes before any resource, so that from the first veth on, a sweep in another process
        // knows this lab is live, and a crash at any point leaves a record of what to remove.
        LabStateStore.Write(state);
        var guarded = false;
        try
        {
            await GuardRoute.AddAsync(octet, ct);
            guarded = true;
            await LabTopology.BuildAsync(state, ct);
        }
        catch
        {
            await LabTopology.TeardownAsync(state, [], CancellationToken.None);
            if (guarded)
            {
                await GuardRoute.RemoveAsync(octet, CancellationToken.None);
            }
            LabStateStore.Delete(runId);
            throw;
        }
        return new NetworkLab(state, swept);
    }

    /// <summary>
    /// Reopens a lab from its state file, e.g. in `keel chaos` after `keel up --isolated-hosts` built it. Disposing
    /// the result tears the lab down; call <see cref="Detach"/> first to leave it running.
    /// </summary>
    public static Task<NetworkLab> OpenAsync(string runId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (!LabNames.IsRunId(runId))
        {
            throw new ArgumentException($"'{runId}' is not a network lab run id (8 hex digits)", nameof(runId));
        }
        var state = LabStateStore.Read(runId) ?? throw new NetworkLabException($"no network lab with run id {runId} ({LabStateStore.PathOf(runId)} does not exist)");
        return Task.FromResult(new NetworkLab(state, []));
    }

    public LabHost Host(string name) =>
        Hosts.FirstOrDefault(h => h.Name == name)
        ?? throw new ArgumentException($"network lab {RunId} has no host '{name}' (hosts: {string.Join(", ", Hosts.Select(h => h.Name))})", nameof(name));

    /// <summary>Prepend to an argv to run it inside a host: ["ip", "netns", "exec", namespace].</summary>
    public IReadOnlyList<string> ExecPrefix(string name) => ["ip", "netns", "exec", Host(name).Namespace];

    /// <summary>Runs a short command inside a host and returns how it ended (not tracked: it must end by itself).</summary>
    public Task<CommandResult> RunAsync(string host, IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken ct) =>
        ExternalCommand.RunAsync([.. ExecPrefix(host), ExternalPrograms.Path(argv[0]), .. argv.Skip(1)], timeout, ct);

    /// <summary>After this, disposing leaves the lab running (for `keel up`, which hands it to the supervisor).</summary>
    public void Detach() => _detached = true;

    /// <summary>
    /// Makes another running process the lab's owner: the lab counts as live (safe from stale sweeps) exactly as
    /// long as that process runs. `keel up` passes the supervisor's pid before it exits.
    /// </summary>
    public Task TransferOwnershipAsync(int pid, CancellationToken ct)
    {
        var start = ProcessIdentity.StartTimeOf(pid) ?? throw new ArgumentException($"process {pid} is not running", nameof(pid));
        return SetOwnerAsync(pid, start, ct);
    }

    /// <summary>Records any owner, even a dead one (tests simulate a crashed owner with it).</summary>
    internal Task SetOwnerAsync(int pid, long startTime, CancellationToken ct) =>
        UpdateStateAsync(s => s with { OwnerPid = pid, OwnerStartTime = startTime }, ct);

    public async ValueTask DisposeAsync()
    {
        if (_disposed || _detached)
        {
            return;
        }
        _disposed = true;
        List<LabProcess> started;
        lock (_gate)
        {
            started = [.. _started];
        }
        // The file may list processes that another process (an opened lab) started.
        var state = LabStateStore.Read(RunId) ?? _state;
        var problems = await LabTopology.TeardownAsync(state, started, CancellationToken.None);
        using (await LabStateStore.LockAsync(CancellationToken.None))
        {
            await ReleaseClaimAsync(_state, CancellationToken.None);
        }
        if (problems.Count > 0)
        {
            throw new NetworkLabException($"network lab {RunId} was not fully removed: " + string.Join("; ", problems));
        }
    }

    /// <summary>
    /// Gives up the subnet: removes the guard route and the state file. Skipped when the state file is already gone,
    /// because then a sweep removed this lab, and the subnet (so an identical guard route) may belong to a newer lab.
    /// Call with the lab lock held.
    /// </summary>
    private static async Task ReleaseClaimAsync(NetworkLabState state, CancellationToken ct)
    {
        if (LabStateStore.Read(state.RunId) is null)
        {
            return;
        }
        await GuardRoute.RemoveAsync(state.SubnetOctet, ct);
        LabStateStore.Delete(state.RunId);
    }

    private async Task UpdateStateAsync(Func<NetworkLabState, NetworkLabState> change, CancellationToken ct)
    {
        using var held = await LabStateStore.LockAsync(ct);
        var current = LabStateStore.Read(RunId) ?? throw new NetworkLabException($"network lab {RunId} has no state file any more (was it torn down?)");
        var updated = change(current);
        LabStateStore.Write(updated);
        lock (_gate)
        {
            _state = updated;
        }
    }

    private static void ValidateHostNames(IReadOnlyList<string> hostNames)
    {
        if (hostNames.Count is 0 or > LabNames.MaxHosts)
        {
            throw new ArgumentException($"a network lab needs 1 to {LabNames.MaxHosts} hosts", nameof(hostNames));
        }
        if (hostNames.FirstOrDefault(n => !LabNames.IsHostName(n)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a valid lab host name (letters, digits, '-' and '_', at most 32)", nameof(hostNames));
        }
        if (hostNames.Distinct(StringComparer.Ordinal).Count() != hostNames.Count)
        {
            throw new ArgumentException("lab host names must be unique", nameof(hostNames));
        }
    }
}
