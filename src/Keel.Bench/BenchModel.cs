namespace Keel.Bench;

/// <summary>Throughput and latency of one sysbench phase.</summary>
public sealed record SysbenchFigures(string Workload, int Threads, double DurationSeconds, double Tps, double Qps, double P95LatencyMs, int Errors);

/// <summary>A moment worth marking on a timeline: the fault, or an agent's decision.</summary>
public sealed record TimelineMark(double AtSeconds, string Label);

/// <summary>
/// Everything needed to draw one run: acknowledged writes and failed attempts (seconds since the load started),
/// the fault, and the agents' decisions.
/// </summary>
public sealed record Timeline(double FaultAtSeconds, IReadOnlyList<double> AckTimes, IReadOnlyList<double> ErrorTimes, IReadOnlyList<TimelineMark> Marks);

/// <summary>
/// One repetition of one fault case. Times are seconds from the fault; null where the case has no such moment
/// (no failover, so no promotion).
/// </summary>
public sealed record FaultRun(
    string Case,
    string Load,
    int Repetition,
    double? DetectSeconds,
    double? PromoteSeconds,
    double? TimeToWritableSeconds,
    double WriteUnavailabilitySeconds,
    double ReadOnlyWindowSeconds,
    double? RejoinSeconds,
    int FailedWrites,
    int AcknowledgedWrites,
    int AcknowledgedLost,
    int SplitBrainWindows,
    bool PrimaryChanged,
    SysbenchFigures? Before,
    SysbenchFigures? After,
    Timeline Timeline);

/// <summary>Steady state: the cost of the HA path as measured ratios.</summary>
public sealed record SteadyState(string Name, SysbenchFigures Figures);

/// <summary>A whole benchmark run.</summary>
public sealed record BenchReport(string Machine, DateTimeOffset StartedAt, IReadOnlyList<FaultRun> Runs, IReadOnlyList<SteadyState> Steady);
