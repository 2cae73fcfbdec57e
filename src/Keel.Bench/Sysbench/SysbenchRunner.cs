using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using Keel.Os;

namespace Keel.Bench.Sysbench;

/// <summary>
/// Drives sysbench 1.0.20's OLTP scripts against one MariaDB server. Every call is bounded by a hard
/// timeout and kills sysbench on timeout or cancellation. sysbench exits on the first lost connection
/// (and crashes with --mysql-ignore-errors=all), so it cannot ride through a failover: run it between
/// faults, and expect a <see cref="SysbenchException"/> with <see cref="SysbenchException.IsConnectionFailure"/>
/// if a fault lands during a run.
/// </summary>
public sealed class SysbenchRunner
{
    private const int TailLines = 20;

    // prepare and cleanup are the same in every OLTP script (oltp_common.lua); one of them serves.
    private const string CommonScript = SysbenchWorkloads.ReadWrite;

    private readonly SysbenchRunnerOptions _options;

    // Table layout per database as prepared by this runner, so a run can match it without the caller
    // repeating it. Keyed by database only: after a failover the same tables are read through another server.
    private readonly ConcurrentDictionary<string, (int Tables, int TableSize)> _prepared = new(StringComparer.Ordinal);

    public SysbenchRunner(SysbenchRunnerOptions? options = null)
    {
        _options = options ?? new SysbenchRunnerOptions();
    }

    /// <summary>Creates and loads sbtest1..sbtest<paramref name="tables"/> with <paramref name="tableSize"/> rows each.</summary>
    /// <remarks>With <paramref name="threads"/> &gt; 1 the tables are loaded in parallel, one thread per table at a time.</remarks>
    public async Task PrepareAsync(SysbenchTarget target, int tables, int tableSize, CancellationToken ct, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(tables, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tableSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);

        // Forgotten first: a failed prepare leaves the tables in an unknown state.
        _prepared.TryRemove(target.Database, out _);
        await ExecuteAsync(target, CommonScript, "prepare", [.. TableArgs(tables, tableSize), Arg("threads", threads)], _options.PrepareTimeout, "prepare", ct);
        _prepared[target.Database] = (tables, tableSize);
    }

    /// <summary>Takes over tables an earlier run prepared in <paramref name="database"/> (the caller checked their layout).</summary>
    public void Adopt(string database, int tables, int tableSize) => _prepared[database] = (tables, tableSize);

    /// <summary>
    /// Runs <paramref name="workload"/> on the tables this runner prepared in <see cref="SysbenchTarget.Database"/>
    /// (on any server). Throws <see cref="InvalidOperationException"/> if it prepared none there: sysbench's
    /// own defaults (1 table, 10000 rows) would silently measure something else.
    /// </summary>
    public Task<SysbenchFigures> RunAsync(SysbenchTarget target, string workload, int threads, TimeSpan duration, CancellationToken ct, int rate = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!_prepared.TryGetValue(target.Database, out var layout))
        {
            throw new InvalidOperationException(
                $"this runner has not prepared tables in '{target.Database}'; call PrepareAsync first or pass tables and tableSize");
        }

        return RunAsync(target, workload, threads, duration, layout.Tables, layout.TableSize, ct, rate);
    }

    /// <summary>
    /// Runs <paramref name="workload"/> for <paramref name="duration"/> (whole seconds, rounded up) and returns
    /// the summary's figures. <paramref name="tables"/> and <paramref name="tableSize"/> must match what was
    /// prepared: sysbench picks rows by id in 1..table-size, so a larger size silently turns most statements
    /// into misses, and a larger table count fails on a missing table.
    /// </summary>
    public async Task<SysbenchFigures> RunAsync(
        SysbenchTarget target, string workload, int threads, TimeSpan duration, int tables, int tableSize, CancellationToken ct, int rate = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        SysbenchWorkloads.Validate(workload);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(tables, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tableSize, 1);

        var seconds = (int)Math.Ceiling(duration.TotalSeconds);
        string[] args =
        [
            .. TableArgs(tables, tableSize),
            Arg("threads", threads),
            Arg("time", seconds),

            // 0 = as fast as it can; otherwise a steady arrival rate of transactions per second (a soak's load).
            Arg("rate", Math.Max(0, rate)),

            // One summary at the end, nothing interim to parse around.
            "--report-interval=0",
            "--percentile=95",

            // --mysql-ignore-errors stays at its default (deadlocks and lock wait timeouts, counted as
            // "ignored errors"): "all" crashes 1.0.20, and ignoring connection errors would not let it
            // survive a failover anyway.
        ];
        var description = $"run {workload} ({threads} threads, {seconds} s)";
        var timeout = TimeSpan.FromSeconds(seconds) + _options.RunMargin;
        var output = await ExecuteAsync(target, workload, "run", args, timeout, description, ct);

        try
        {
            return SysbenchOutputParser.Parse(output, workload);
        }
        catch (FormatException ex)
        {
            throw new SysbenchException(
                $"sysbench {description} against {target} exited with code 0 but {ex.Message}.\nLast lines of its output:\n{SysbenchOutputParser.Tail(output, TailLines)}",
                ex)
            {
                ExitCode = 0,
                OutputTail = SysbenchOutputParser.Tail(output, TailLines),
            };
        }
    }

    /// <summary>Drops sbtest1..sbtest<paramref name="tables"/> (those that exist).</summary>
    public async Task CleanupAsync(SysbenchTarget target, int tables, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(tables, 1);

        _prepared.TryRemove(target.Database, out _);
        await ExecuteAsync(target, CommonScript, "cleanup", [Arg("tables", tables)], _options.CleanupTimeout, "cleanup", ct);
    }

    private async Task<string> ExecuteAsync(
        SysbenchTarget target, string script, string command, IReadOnlyList<string> extraArgs, TimeSpan timeout, string description, CancellationToken ct)
    {
        var scriptPath = Path.Combine(_options.ScriptDirectory, script + ".lua");
        if (!File.Exists(scriptPath))
        {
            throw new SysbenchException($"sysbench script {scriptPath} not found (is sysbench installed?)");
        }

        // The password goes in a 0600 options file (sysbench's --config-file), never on the command line: ps shows
        // every process's arguments to every local user.
        var optionsFile = Path.Combine(Path.GetTempPath(), $"keel-sysbench-{Guid.NewGuid():N}.cnf");
        AtomicFile.WriteSecret(optionsFile, "mysql-password=" + target.Password + "\n" + (target.TlsDirectory is null ? "" : "mysql-ssl=on\n"));
        string[] args =
        [
            "--config-file=" + optionsFile,
            scriptPath,
            "--db-driver=mysql",
            "--mysql-host=" + target.Host,
            Arg("mysql-port", target.Port),
            "--mysql-user=" + target.User,
            "--mysql-db=" + target.Database,
            .. extraArgs,
            command,
        ];

        SysbenchOutcome outcome;
        try
        {
            outcome = await SysbenchProcess.RunAsync(_options.Executable, args, timeout, ct, target.TlsDirectory);
        }
        catch (Exception ex) when (ex is Win32Exception or ProgramListException)
        {
            throw new SysbenchException($"cannot run {_options.Executable} (is sysbench installed?): {ex.Message}", ex);
        }
        finally
        {
            File.Delete(optionsFile);
        }

        if (!outcome.TimedOut && outcome.ExitCode == 0)
        {
            return outcome.Output;
        }

        var tail = SysbenchOutputParser.Tail(outcome.Output, TailLines);
        var cause = SysbenchOutputParser.Cause(outcome.Output);
        var what = outcome.TimedOut
            ? $"did not finish within {timeout.TotalSeconds:0.#} s and was killed"
            : $"exited with code {outcome.ExitCode}";
        throw new SysbenchException(
            $"sysbench {description} against {target} {what}{(cause is null ? "" : ": " + cause)}\nLast lines of its output:\n{tail}")
        {
            ExitCode = outcome.ExitCode,
            TimedOut = outcome.TimedOut,
            MySqlErrorCode = SysbenchOutputParser.MySqlErrorCode(outcome.Output),
            OutputTail = tail,
        };
    }

    private static string[] TableArgs(int tables, int tableSize) => [Arg("tables", tables), Arg("table-size", tableSize)];

    private static string Arg(string name, int value) => $"--{name}={value.ToString(CultureInfo.InvariantCulture)}";
}
