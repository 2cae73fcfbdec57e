using System.Diagnostics;
using System.Globalization;
using Keel.Os;

namespace Keel.MySql.Server;

/// <summary>
/// Controls one local mariadbd run as a plain process (no systemd, no mysqld_safe): writes its my.cnf,
/// initializes the datadir, starts it detached, finds it again by pid file, stops or kills it.
/// Linux only.
/// </summary>
public sealed class MariaDbServer
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DeathWait = TimeSpan.FromSeconds(10);

    private readonly MariaDbServerOptions _options;
    private readonly string _dataDir;
    private readonly string _tmpDir;
    private readonly Lock _gate = new();

    // The process we started, kept until it has exited: holding the Process object is what lets the
    // runtime reap it (no zombie) and lets a start notice an early exit.
    private Process? _started;

    public MariaDbServer(MariaDbServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;

        // Absolute paths: mariadbd resolves relative ones against the datadir, and RunningPid matches
        // the --defaults-file argument literally.
        _dataDir = Path.GetFullPath(options.DataDir);
        var runDir = Path.GetFullPath(options.RunDir);
        DefaultsFile = Path.Combine(runDir, "my.cnf");
        SocketPath = Path.Combine(runDir, "mysqld.sock");
        PidFile = Path.Combine(runDir, "mysqld.pid");
        ErrorLog = Path.Combine(runDir, "error.log");
        _tmpDir = Path.Combine(runDir, "tmp");
    }

    public string DefaultsFile { get; }

    public string SocketPath { get; }

    public string PidFile { get; }

    public string ErrorLog { get; }

    /// <summary>
    /// The relay-log files named by the datadir's relay-bin.index, oldest first (empty when there is none). The index
    /// holds paths relative to the datadir ("./relay-bin.000002").
    /// </summary>
    public IReadOnlyList<string> RelayLogFiles() => IndexedFiles("relay-bin.index");

    /// <summary>The binlog files named by mysql-bin.index, oldest first (file names in the datadir).</summary>
    public IReadOnlyList<string> BinlogFiles() => IndexedFiles("mysql-bin.index");

    public string DataDir => _dataDir;

    private IReadOnlyList<string> IndexedFiles(string indexName)
    {
        var index = Path.Combine(_dataDir, indexName);
        return File.Exists(index)
            ? [.. File.ReadAllLines(index).Select(l => l.Trim()).Where(l => l.Length > 0).Select(Path.GetFileName).OfType<string>()]
            : [];
    }

    /// <summary>
    /// A binlog or relay-log file from <paramref name="start"/> (an event boundary; 4 or less means the whole file) up
    /// to <paramref name="stop"/> (null: the end) as mariadb-binlog prints it: SQL with each event's GTID kept.
    /// </summary>
    public async Task<string> DecodeBinlogAsync(string path, long start, long? stop, CancellationToken ct)
    {
        var args = new List<string>();
        if (start > 4)
        {
            args.Add(string.Create(CultureInfo.InvariantCulture, $"--start-position={start}"));
        }
        if (stop is { } end)
        {
            args.Add(string.Create(CultureInfo.InvariantCulture, $"--stop-position={end}"));
        }
        args.Add(path);
        var (exit, output) = await ToolRunner.RunAsync("mariadb-binlog", args, _dataDir, ct);
        return exit == 0 ? output : throw new MariaDbStartException($"mariadb-binlog could not read {path} from {start}: {Tail(output)}");
    }

    /// <summary>
    /// Applies one byte range of a relay-log file to this server as its SQL thread would: mariadb-binlog prints the
    /// events with their GTIDs (so they keep their identity under gtid_strict_mode), and the mariadb client runs them
    /// as root over the socket. Used only before replication starts again after a restart (MariaDB discards the relay
    /// log then); throws <see cref="MariaDbStartException"/> with the tools' output when either fails.
    /// </summary>
    public Task ReplayRelayLogAsync(string file, long start, long? stop, CancellationToken ct) =>
        ApplyBinlogAsync(Path.Combine(_dataDir, Path.GetFileName(file)), start, stop, ct);

    /// <summary>Applies one byte range of any binlog file (an archived one, for a point-in-time restore) the same way.</summary>
    public async Task ApplyBinlogAsync(string path, long start, long? stop, CancellationToken ct)
    {
        var script = await DecodeBinlogAsync(path, start, stop, ct);
        var (applyExit, output) = await ToolRunner.RunAsync("mariadb", [DefaultsFileArgument], _dataDir, ct, input: script);
        if (applyExit != 0)
        {
            throw new MariaDbStartException($"applying {path} from {start} failed: {Tail(output)}");
        }
    }

    private static string Tail(string text) => text.Length <= 500 ? text.Trim() : text[^500..].Trim();

    /// <summary>The datadir has the mysql system schema (mariadb-install-db has run).</summary>
    public bool IsInitialized => File.Exists(Path.Combine(_dataDir, "mysql", "global_priv.frm"));

    private string DefaultsFileArgument => "--defaults-file=" + DefaultsFile;

    /// <summary>Root over the unix socket: unix_socket authentication, so no password exists to leak.</summary>
    public MySqlConnectOptions RootOptions(TimeSpan? commandTimeout = null) => new()
    {
        User = "root",
        UnixSocket = SocketPath,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(10),
    };

    /// <summary>(Re)writes my.cnf atomically, so a server starting concurrently never reads half a file.</summary>
    public void WriteDefaultsFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DefaultsFile)!);
        Directory.CreateDirectory(_dataDir);
        Directory.CreateDirectory(_tmpDir);
        var content = DefaultsFileRenderer.Render(_options, _dataDir, SocketPath, PidFile, ErrorLog, _tmpDir);
        // 0600: in Galera mode it holds wsrep_sst_auth (the admin password).
        AtomicFile.WriteSecret(DefaultsFile, content);
    }

    /// <summary>Runs mariadb-install-db unless the datadir is already initialized.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        WriteDefaultsFile();
        if (IsInitialized)
        {
            return;
        }

        var logOffset = LogTail.Length(ErrorLog);
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await ToolRunner.RunAsync(
                "mariadb-install-db", [DefaultsFileArgument, "--skip-test-db"], _dataDir, ct);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or Keel.Os.ProgramListException)
        {
            throw new MariaDbStartException($"cannot run mariadb-install-db: {ex.Message}", ex);
        }

        if (exitCode != 0 || !IsInitialized)
        {
            // The bootstrap server's own complaint is in the error log, not in the tool's output.
            throw new MariaDbStartException(
                $"mariadb-install-db for {_dataDir} failed with exit code {exitCode}:\n{output.Trim()}\n" +
                $"Last lines of {ErrorLog}:\n{LogTail.Read(ErrorLog, logOffset)}");
        }
    }

    /// <summary>
    /// Before the first start of a copy made by mariabackup: transactions that were prepared but not committed when the
    /// copy was taken are rolled back. Their commit decision lived in the donor's binlog, which the copy does not have,
    /// so a plain start refuses them ("Found N prepared transactions ... start server with --tc-heuristic-recover",
    /// MDEV-36025) and a clone under write load would fail now and then. Rolling back is right: the copy's GTID
    /// position (mariadb_backup_binlog_info) does not include them, and replication brings them in again. mariadbd
    /// recovers and exits in this mode (with code 1 when the binlog is on), so only a failure to run at all is an error.
    /// </summary>
    public async Task RollBackPreparedTransactionsAsync(TimeSpan timeout, CancellationToken ct)
    {
        WriteDefaultsFile();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await ToolRunner.RunAsync("mariadbd",
                [DefaultsFileArgument, "--tc-heuristic-recover=ROLLBACK", "--skip-networking", "--skip-slave-start"], _dataDir, deadline.Token);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or Keel.Os.ProgramListException)
        {
            throw new MariaDbStartException($"cannot run mariadbd for the recovery pass: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MariaDbStartException($"the recovery pass of {_dataDir} did not finish within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// A stopped Galera node's position from InnoDB (`mariadbd --wsrep-recover`): the server recovers, logs
    /// "WSREP: Recovered position: UUID:SEQNO" and exits. Its own log file, so that the line read is this run's.
    /// Null when the log holds no such line (the datadir has no Galera state).
    /// </summary>
    public async Task<(string Uuid, long Seqno)?> RecoverWsrepPositionAsync(TimeSpan timeout, CancellationToken ct)
    {
        WriteDefaultsFile();
        var log = Path.Combine(Path.GetDirectoryName(ErrorLog)!, "wsrep-recover.log");
        File.Delete(log);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await ToolRunner.RunAsync("mariadbd", [DefaultsFileArgument, "--wsrep-recover", "--log-error=" + log, "--skip-networking"], _dataDir, deadline.Token);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or Keel.Os.ProgramListException)
        {
            throw new MariaDbStartException($"cannot run mariadbd --wsrep-recover: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MariaDbStartException($"mariadbd --wsrep-recover on {_dataDir} did not finish within {timeout.TotalSeconds:0} s");
        }
        const string Marker = "WSREP: Recovered position: ";
        var line = File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.Contains(Marker, StringComparison.Ordinal)) : null;
        if (line is null)
        {
            return null;
        }
        // "UUID:SEQNO" and, from 10.5, ",GTID" after it.
        var position = line[(line.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Split(',')[0].Trim();
        var colon = position.LastIndexOf(':');
        return colon > 0 && long.TryParse(position[(colon + 1)..], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seqno)
            ? (position[..colon], seqno)
            : null;
    }

    /// <summary>
    /// Starts mariadbd detached and returns at once with the launcher's pid: for a Galera joiner, which opens its
    /// socket only after its state transfer (minutes), or never while no Primary Component exists. The caller's probes
    /// follow it from there.
    /// </summary>
    public int LaunchWithoutWaiting(IReadOnlyList<string> extraArgs)
    {
        WriteDefaultsFile();
        if (RunningPid() is { } running)
        {
            throw new MariaDbStartException($"mariadbd for {DefaultsFile} is already running as pid {running}");
        }
        File.Delete(PidFile);
        return Launch(extraArgs).Id;
    }

    /// <summary>
    /// Starts mariadbd detached (own session; stdin from /dev/null; stdout/stderr appended to the error log,
    /// so nothing ties it to our lifetime) and waits until root can ping it over the socket. Returns the
    /// server's PID. On exit or timeout throws <see cref="MariaDbStartException"/> with the error log's tail;
    /// on timeout or cancellation the half-started process is killed so that no stray server holds the datadir.
    /// </summary>
    public async Task<int> StartAsync(IReadOnlyList<string> extraArgs, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(extraArgs);
        WriteDefaultsFile();
        if (RunningPid() is { } running)
        {
            throw new MariaDbStartException($"mariadbd for {DefaultsFile} is already running as pid {running}");
        }

        // A stale pid file would make us report a dead process's pid.
        File.Delete(PidFile);
        var logOffset = LogTail.Length(ErrorLog);
        var process = Launch(extraArgs);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                // Exit code 0 would mean setsid had to fork (it does when already a group leader): then
                // mariadbd lives on as its child and only the pid file can tell whether it died.
                if (process.HasExited && (process.ExitCode != 0 || (ReadPidFile() is { } p && !IsProcessAlive(p))))
                {
                    throw Failure($"exited with code {process.ExitCode} during start", logOffset);
                }

                if (await CanPingAsync(deadline.Token))
                {
                    // The pid file is the server's own word; the launcher pid equals it unless setsid had to fork.
                    return ReadPidFile() ?? process.Id;
                }

                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            KillStarted(process);
            throw Failure($"was not reachable over {SocketPath} within {timeout.TotalSeconds:0.#} s; killed it", logOffset);
        }
        catch (OperationCanceledException)
        {
            KillStarted(process);
            throw;
        }
    }

    /// <summary>
    /// PID from the pid file if that process is alive (not a zombie) and is a mariadbd started with this
    /// defaults file (guards against PID reuse and against other instances on the machine); else null.
    /// </summary>
    public int? RunningPid()
    {
        if (ReadPidFile() is { } p && IsOurs(p))
        {
            return p;
        }
        // A server this instance launched that has not written its pid file yet (a Galera joiner writes it only after
        // its state transfer): still running, and a second one must not be started on the same datadir.
        int? launched;
        lock (_gate)
        {
            launched = _started is { HasExited: false } s ? s.Id : null;
        }
        // Right after the launch the child may still be sh or setsid, about to exec mariadbd (DetachedLauncher).
        return launched is { } l && (IsOurs(l) || (IsProcessAlive(l) && ProcFs.CommandLine(l) is [var first, ..]
            && (first.EndsWith("sh", StringComparison.Ordinal) || first.EndsWith("setsid", StringComparison.Ordinal)))) ? l : null;
    }

    private bool IsOurs(int pid)
    {
        if (!IsProcessAlive(pid))
        {
            return false;
        }
        var args = ProcFs.CommandLine(pid);
        return args.Count > 0 && args[0].EndsWith("mariadbd", StringComparison.Ordinal) && args.Contains(DefaultsFileArgument);
    }

    /// <summary>True if the process exists and is neither a zombie ('Z') nor dead ('X').</summary>
    public static bool IsProcessAlive(int pid) => pid > 0 && ProcFs.State(pid) is { } s && s != 'Z' && s != 'X';

    /// <summary>SIGTERM (a clean InnoDB shutdown), wait up to <paramref name="timeout"/>, then SIGKILL.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (RunningPid() is not { } pid)
        {
            ForgetExited();
            return;
        }

        Signals.Send(pid, Signals.SigTerm);
        if (!await WaitForDeathAsync(pid, timeout, ct))
        {
            Signals.Send(pid, Signals.SigKill);
            if (!await WaitForDeathAsync(pid, DeathWait, ct))
            {
                throw new InvalidOperationException($"mariadbd pid {pid} survived SIGKILL for {DeathWait.TotalSeconds} s");
            }
        }

        ForgetExited(pid);
    }

    /// <summary>
    /// SIGKILL now (tests and fault injection), then wait briefly until the process is gone, so that
    /// <see cref="RunningPid"/> is null when this returns.
    /// </summary>
    public void Kill()
    {
        if (RunningPid() is not { } pid)
        {
            return;
        }

        Signals.Send(pid, Signals.SigKill);
        var waited = Stopwatch.StartNew();
        while (IsProcessAlive(pid) && waited.Elapsed < DeathWait)
        {
            Thread.Sleep(10);
        }

        ForgetExited(pid);
    }

    public override string ToString() => $"mariadbd {DefaultsFile} (port {_options.Port})";

    private Process Launch(IReadOnlyList<string> extraArgs)
    {
        // --defaults-file must be the first argument, or /etc/mysql and its conf.d are read too.
        var process = DetachedLauncher.Start("mariadbd", [DefaultsFileArgument, .. extraArgs], ErrorLog, _dataDir);
        lock (_gate)
        {
            if (_started is { HasExited: true })
            {
                _started.Dispose();
            }

            _started = process;
        }

        return process;
    }

    private async Task<bool> CanPingAsync(CancellationToken ct)
    {
        if (!File.Exists(SocketPath))
        {
            return false;
        }

        var probe = RootOptions(ProbeTimeout) with { ConnectTimeout = ProbeTimeout };
        try
        {
            await using var connection = await MySqlConnection.OpenAsync(probe, ct);
            await connection.PingAsync(ct);
            return true;
        }
        catch (MySqlException)
        {
            return false; // not listening yet (stale socket file, still in recovery)
        }
    }

    private int? ReadPidFile()
    {
        try
        {
            var text = File.ReadAllText(PidFile).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<bool> WaitForDeathAsync(int pid, TimeSpan timeout, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (IsProcessAlive(pid))
        {
            if (waited.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval, ct);
        }

        return true;
    }

    private void KillStarted(Process process)
    {
        try
        {
            process.Kill();
            process.WaitForExit(DeathWait);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }

        // If setsid forked, the server is not the launcher: the pid file names it.
        Kill();
    }

    /// <summary>Drops our child once it has exited; waits briefly (which also reaps it) if it is the one just killed.</summary>
    private void ForgetExited(int? killedPid = null)
    {
        lock (_gate)
        {
            if (_started is null)
            {
                return;
            }

            if (_started.HasExited || (_started.Id == killedPid && _started.WaitForExit(TimeSpan.FromSeconds(1))))
            {
                _started.Dispose();
                _started = null;
            }
        }
    }

    private MariaDbStartException Failure(string what, long logOffset) =>
        new($"mariadbd on port {_options.Port} (datadir {_dataDir}) {what}. Last lines of {ErrorLog}:\n{LogTail.Read(ErrorLog, logOffset)}");
}
