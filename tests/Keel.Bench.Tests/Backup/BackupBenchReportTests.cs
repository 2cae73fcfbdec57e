using Keel.Bench.Backup;

namespace Keel.Bench.Tests.Backup;

public sealed class BackupBenchReportTests
{
    [Fact]
    public void Throughput_comes_from_median_times_over_the_same_stream_and_the_tps_goal_is_judged()
    {
        var report = new BackupBenchReport("test (2 cores)", DateTimeOffset.UnixEpoch, 10, "m2",
            RawSeconds: [10, 12, 11], RawStoredBytes: 900e6, KeelSeconds: [13, 12, 14], StreamBytes: 2400e6, KeelStoredBytes: 920e6,
            TpsWithout: 200, TpsDuringBackup: 192, TpsPhaseSeconds: 11, BackupIds: ["backup-1", "backup-2", "backup-3"]);

        Assert.Equal(2400.0 / 11, report.RawMbPerSecond, 6);
        Assert.Equal(2400.0 / 13, report.KeelMbPerSecond, 6);
        Assert.Equal(11.0 / 13, report.Ratio, 6);
        Assert.Equal(0.96, report.TpsRatio, 6);
        var md = report.ToMarkdown();
        Assert.Contains("| ratio (goal ≥ 0.95) | 0.96 (met) |", md, StringComparison.Ordinal);
        Assert.Contains("backup-1, backup-2, backup-3", md, StringComparison.Ordinal);
    }
}
