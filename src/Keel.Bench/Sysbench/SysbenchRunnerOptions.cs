namespace Keel.Bench.Sysbench;

/// <summary>Where sysbench lives and how long each call may take before it is killed.</summary>
public sealed record SysbenchRunnerOptions
{
    /// <summary>Program name or path; a bare name is looked up on PATH.</summary>
    public string Executable { get; init; } = "sysbench";

    public string ScriptDirectory { get; init; } = "/usr/share/sysbench";

    /// <summary>
    /// Added to a run's --time for the hard timeout: covers start-up, connecting the worker threads and
    /// the last in-flight transactions. sysbench itself waits forever on a server that stopped answering
    /// (SIGSTOP, a blackholed network), so only this bound ends such a run.
    /// </summary>
    public TimeSpan RunMargin { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Hard timeout for prepare: generous, since loading large tables is bound by the disk.</summary>
    public TimeSpan PrepareTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan CleanupTimeout { get; init; } = TimeSpan.FromMinutes(1);
}
