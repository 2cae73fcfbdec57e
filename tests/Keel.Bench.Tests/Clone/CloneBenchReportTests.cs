using Keel.Bench.Clone;

namespace Keel.Bench.Tests.Clone;

public sealed class CloneBenchReportTests
{
    [Fact]
    public void The_agent_s_sentences_give_the_stream_and_the_whole_clone()
    {
        var received = CloneLogLines.Received("received 2371.2 MB from m2 in 8.1 s; preparing the copy");
        Assert.Equal((2_371_200_000L, TimeSpan.FromSeconds(8.1), "m2"), received);
        var cloned = CloneLogLines.Cloned("cloned 2371.2 MB from m2 in 20.4 s (116.2 MB/s); the server runs read-only (pid 7) at 0-1-5");
        Assert.Equal((2_371_200_000L, TimeSpan.FromSeconds(20.4), "m2"), cloned);
        Assert.Null(CloneLogLines.Received("cloning from m2: 120.5 MB of 300.0 MB (40 %), 55.2 MB/s, about 3 s left"));
        Assert.Null(CloneLogLines.Cloned("the local server is running (pid 7)"));
    }

    [Fact]
    public void Ratios_use_medians_and_the_goals_are_judged_in_the_table()
    {
        var report = new CloneBenchReport("test (2 cores)", DateTimeOffset.UnixEpoch, 10, 1_000_000, 2_400_000_000,
            Raw: [new(2_400_000_000, 5), new(2_400_000_000, 6), new(2_400_000_000, 4)],
            Keel: [new(2_400_000_000, 8, 20, "m2"), new(2_400_000_000, 6, 18, "m2"), new(2_400_000_000, 5, 16, "m2")],
            TpsWithout: 400, TpsDuringClone: 380, TpsPhaseSeconds: 5, MemberAddSeconds: 21.5, AddedMember: "m4");

        Assert.Equal(480, report.RawMbPerSecond, 3);   // 2400 MB / 5 s
        Assert.Equal(400, report.KeelMbPerSecond, 3);  // 2400 MB / 6 s
        Assert.Equal(400.0 / 480, report.CloneRatio, 6);
        Assert.Equal(0.95, report.TpsRatio, 6);
        var md = report.ToMarkdown();
        Assert.Contains("| ≥ 0.8 of raw | yes (0.83) |", md, StringComparison.Ordinal);
        Assert.Contains("| ratio (goal ≥ 0.9) | 0.95 (met) |", md, StringComparison.Ordinal);
        Assert.Contains("`keel member add m4` to a streaming semi-sync replica: 21.5 s", md, StringComparison.Ordinal);
        Assert.Contains("\"clone_ratio\"", report.ToJson(), StringComparison.Ordinal);
    }
}
