namespace Keel.Bench.Soak;

/// <summary>How `keel bench soak` runs.</summary>
public sealed record SoakOptions(
    TimeSpan Duration,
    int SysbenchThreads = 2,
    int SysbenchRate = 50,
    TimeSpan? SysbenchPhase = null,
    int WriterConnections = 2,
    int WriterPauseMs = 20);

/// <summary>The primary changed (or was missing) during the soak: with no fault injected, each one is needless.</summary>
public sealed record LeaderChange(double AtSeconds, string? From, string? To, string Reason);

/// <summary>What an hour (or any length) of steady load did to a healthy cluster: ideally nothing at all.</summary>
public sealed record SoakReport(
    string Machine,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    string PrimaryAtStart,
    string PrimaryAtEnd,
    IReadOnlyList<LeaderChange> LeaderChanges,
    int AcknowledgedWrites,
    int FailedWrites,
    double LongestWritePauseSeconds,
    double ReadOnlyWindowSeconds,
    int AcknowledgedLost,
    int SplitBrainWindows,
    long? MaxReplicaLagSeconds,
    int MemberKeyGaps,
    IReadOnlyList<SysbenchFigures> SysbenchPhases,
    int SysbenchFailedPhases,
    IReadOnlyList<string> Problems)
{
    /// <summary>Leader changes with no fault injected.</summary>
    public int NeedlessFailovers => LeaderChanges.Count;
}
