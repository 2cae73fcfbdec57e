using System.Diagnostics;
using System.Globalization;
using Keel.Os;

namespace Keel.Etcd.Server;

/// <summary>
/// Starts and stops one etcd member (alone or in a cluster) for tests and the local playground. etcd runs in its own session (setsid),
/// writes to a log file rather than a pipe (so it may outlive this process without blocking on a full pipe), and
/// its PID goes to a pid file so a later process can find, stop or kill it.
/// </summary>
public sealed class EtcdServer
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Kill() waits this long at most for the kernel to tear the process down and free its ports.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private readonly EtcdServerOptions _options;
    private readonly string _dataDirArgument;

    public EtcdServer(EtcdServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _dataDirArgument = "--data-dir=" + Path.GetFullPath(options.DataDir);
        ClientUrl = new Uri($"{Scheme}://127.0.0.1:{options.ClientPort}");
    }

    public Uri ClientUrl { get; }

    private string Scheme => _options.Tls is null ? "http" : "https";

    /// <summary>
    /// Starts etcd (or adopts the one this launcher already started on this data dir) and waits until it serves a
    /// read; returns its PID. Throws <see cref="EtcdStartException"/> with the log tail if it exits or times out.
    /// </summary>
    public async Task<int> StartAsync(TimeSpan timeout, CancellationToken ct) =>
        await WaitServingAsync(await LaunchIfNotRunningAsync(ct), timeout, ct);

    /// <summary>
    /// Starts etcd unless it runs already, without waiting for it to serve: a cluster member serves only once a
    /// quorum runs, so a cluster launches every member first and then waits (<see cref="WaitServingAsync"/>).
    /// </summary>
    public async Task<int> LaunchIfNotRunningAsync(CancellationToken ct) => RunningPid() ?? await LaunchAsync(ct);

    /// <summary>Waits until the etcd launched as <paramref name="pid"/> serves a read; see <see cref="StartAsync"/>.</summary>
    public async Task<int> WaitServingAsync(int pid, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new EtcdClient(new EtcdClientOptions
        {
            Endpoints = [ClientUrl],
            RequestTimeout = TimeSpan.FromMilliseconds(500),
            Tls = _options.Tls?.Client,
        });

        var started = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            // Right after the launch the process may still be exec-ing (its command line is not etcd's yet), which
            // RunningPid cannot tell from "gone": only a pid that is no longer alive at all means it exited.
            if (RunningPid() is null && !ProcFs.IsAlive(pid))
            {
                throw new EtcdStartException($"etcd (pid {pid}) exited while starting; log {_options.LogFile}:\n{LogTail()}");
            }

            if (await IsOursAndServingAsync(client, ct))
            {
                return pid;
            }

            if (started.Elapsed > timeout)
            {
                Kill();
                throw new EtcdStartException(
                    $"etcd (pid {pid}) did not serve requests within {timeout.TotalSeconds:0.#} s and was killed; log {_options.LogFile}:\n{LogTail()}");
            }

            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>The PID from the pid file if that process is alive (not a zombie) and is this etcd; otherwise null.</summary>
    public int? RunningPid()
    {
        string text;
        try
        {
            text = File.ReadAllText(_options.PidFile).Trim();
        }
        catch (IOException)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ProcFs.IsAlive(pid, _dataDirArgument)
            ? pid
            : null;
    }

    /// <summary>SIGKILL, then waits (briefly) until the process is gone so its ports and data dir lock are free.</summary>
    public void Kill()
    {
        if (RunningPid() is not { } pid)
        {
            return;
        }

        Signals.Send(pid, Signals.SigKill);
        var waited = Stopwatch.StartNew();
        while (RunningPid() is not null && waited.Elapsed < KillWait)
        {
            // Synchronous by contract (tests call it from Dispose); SIGKILL completes in milliseconds.
            Thread.Sleep(10);
        }
    }

    /// <summary>SIGTERM and wait for a clean exit; SIGKILL if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (RunningPid() is not { } pid)
        {
            return;
        }

        Signals.Send(pid, Signals.SigTerm);
        var waited = Stopwatch.StartNew();
        while (RunningPid() is not null)
        {
            if (waited.Elapsed > timeout)
            {
                Kill();
                return;
            }

            await Task.Delay(PollInterval, ct);
        }
    }

    private async Task<int> LaunchAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_options.LogFile))!);
        File.Delete(_options.PidFile);
        var peerUrl = $"http://127.0.0.1:{_options.PeerPort}";
        var cgroupProcs = "/dev/null";
        if (_options.Cgroup is { } cgroup)
        {
            Directory.CreateDirectory(cgroup);
            cgroupProcs = Path.Combine(cgroup, "cgroup.procs");
        }

        // sh records its own PID (and joins the cgroup: sockets belong to the cgroup they were made in) and then
        // execs etcd (same PID) with output appended to the log. setsid does not fork here (our child is not a group
        // leader), so etcd stays our child and .NET reaps it while we live.
        Process? process;
        try
        {
            var psi = ExternalPrograms.StartInfo("setsid",
            [
            ExternalPrograms.Path("sh"), "-c", "echo $$ > \"$1\"; echo $$ > \"$3\" || { echo \"could not join the cgroup $3\" >>\"$2\"; exit 70; }; log=\"$2\"; shift 3; exec \"$@\" >>\"$log\" 2>&1 </dev/null", "sh",
            _options.PidFile, _options.LogFile, cgroupProcs,
            ExternalPrograms.Path("etcd"),
            "--name=" + _options.Name,
            _dataDirArgument,
            "--listen-client-urls=" + ClientUrl.GetLeftPart(UriPartial.Authority)
                + (_options.ExtraClientAddress is { } extra ? $",{Scheme}://{extra}:{_options.ClientPort}" : ""),
            "--advertise-client-urls=" + ClientUrl.GetLeftPart(UriPartial.Authority),
            "--listen-peer-urls=" + peerUrl,
            "--initial-advertise-peer-urls=" + peerUrl,
            "--initial-cluster=" + _options.InitialClusterArgument,
            "--initial-cluster-state=new",
            "--initial-cluster-token=" + _options.ClusterToken,
            // Fast elections on loopback: leader in about a second; etcd then grants leases of 2 s or more.
            "--heartbeat-interval=100",
            "--election-timeout=1000",
            // A member that was cut off comes back with a higher term and, without pre-vote, forces a new election
            // (seen here as seconds without an etcd leader right after a partition healed). etcd 3.5 turns it on.
            "--pre-vote=true",
            "--auto-compaction-mode=periodic",
            "--auto-compaction-retention=1h",
            "--logger=zap",
            "--log-outputs=stderr",
            .. TlsArguments(),
            ]);
            process = Process.Start(psi);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or ProgramListException)
        {
            throw new EtcdStartException($"could not start etcd: {ex.Message}", ex);
        }

        using (process)
        {
            return await ReadPidFileAsync(ct) ?? process?.Id ?? throw new EtcdStartException("could not start setsid/etcd");
        }
    }

    /// <summary>Clients must show a certificate from the CA; etcd shows its own.</summary>
    private IEnumerable<string> TlsArguments() => _options.Tls is not { } tls ? [] :
        ["--cert-file=" + tls.CertFile, "--key-file=" + tls.KeyFile, "--trusted-ca-file=" + tls.CaFile, "--client-cert-auth=true"];

    /// <summary>The shell writes the pid file before exec; give it a moment.</summary>
    private async Task<int?> ReadPidFileAsync(CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(2))
        {
            try
            {
                var text = File.ReadAllText(_options.PidFile).Trim();
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // Not written yet.
            }

            await Task.Delay(5, ct);
        }

        return null;
    }

    /// <summary>
    /// A successful read alone could come from another etcd that already held the port (ours then exits with
    /// "address in use"); the member list must show our name and peer URL.
    /// </summary>
    private async Task<bool> IsOursAndServingAsync(EtcdClient client, CancellationToken ct)
    {
        try
        {
            await client.GetAsync("keel/ready-probe", ct);
            var members = await client.MemberListAsync(ct);
            var peerUrl = $"http://127.0.0.1:{_options.PeerPort}";
            return members.Any(m => m.Name == _options.Name && (m.PeerUrls ?? []).Contains(peerUrl, StringComparer.Ordinal));
        }
        catch (EtcdException)
        {
            return false;
        }
    }

    private string LogTail(int lines = 30)
    {
        try
        {
            var all = File.ReadAllLines(_options.LogFile);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException ex)
        {
            return $"(log not readable: {ex.Message})";
        }
    }
}
