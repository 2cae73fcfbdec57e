namespace Keel.Bench.Tests.Reports;

/// <summary>Small hand-made runs and reports for the report tests.</summary>
internal static class SampleRuns
{
    public static readonly DateTimeOffset StartedAt = new(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(1));

    public static SysbenchFigures Sysbench(double tps, double p95) =>
        new("oltp_write_only", 16, 60, tps, tps * 6, p95, 0);

    public static Timeline Timeline(double fault = 10) =>
        new(fault, [0.05, 0.06, 9.95, 10.02, 12.4], [10.1, 10.15, 11.3],
            [new TimelineMark(10.3, "db1 unhealthy"), new TimelineMark(11.9, "promote db2"), new TimelineMark(12.2, "db2 writable")]);

    public static FaultRun Failover(int rep, double writable, int lost = 0, int splitBrain = 0, double? rejoin = 8.5,
        string caseName = "primary crash", string load = "write checker + oltp_write_only") =>
        new(caseName, load, rep,
            DetectSeconds: writable / 3, PromoteSeconds: writable / 2, TimeToWritableSeconds: writable,
            WriteUnavailabilitySeconds: writable + 0.05, ReadOnlyWindowSeconds: 0, RejoinSeconds: rejoin,
            FailedWrites: 12, AcknowledgedWrites: 5000, AcknowledgedLost: lost, SplitBrainWindows: splitBrain,
            PrimaryChanged: true, Before: Sysbench(1200, 14.5), After: Sysbench(1100, 15.2), Timeline: Timeline());

    public static FaultRun NoFailover(int rep, int failed = 0, string caseName = "replica crash") =>
        new(caseName, "write checker", rep,
            DetectSeconds: null, PromoteSeconds: null, TimeToWritableSeconds: null,
            WriteUnavailabilitySeconds: 0, ReadOnlyWindowSeconds: 0, RejoinSeconds: null,
            FailedWrites: failed, AcknowledgedWrites: 4000, AcknowledgedLost: 0, SplitBrainWindows: 0,
            PrimaryChanged: false, Before: null, After: null, Timeline: Timeline());

    public static BenchReport Report() => new(
        "bench-01 (8 vCPU, 16 GiB)",
        StartedAt,
        [
            Failover(1, 0.45), Failover(2, 0.41), Failover(3, 0.38), Failover(4, 0.52), Failover(5, 0.40),
            NoFailover(1), NoFailover(2),
        ],
        [
            new SteadyState("direct to primary", Sysbench(1500, 12.0)),
            new SteadyState("through read-write endpoint", Sysbench(1245, 13.1)),
            new SteadyState("semi-sync off", Sysbench(1500, 12.0)),
            new SteadyState("semi-sync on", Sysbench(1110, 16.4)),
        ]);
}
