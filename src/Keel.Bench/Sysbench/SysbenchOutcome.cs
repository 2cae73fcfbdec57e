namespace Keel.Bench.Sysbench;

/// <summary>How one sysbench process ended: its exit code (null if killed at the timeout) and its output.</summary>
internal sealed record SysbenchOutcome(int? ExitCode, bool TimedOut, string Output);
