using Keel.Bench.Reports;

namespace Keel.Bench.Tests.Reports;

public class ReportFiguresTests
{
    [Fact]
    public void One_value_is_its_own_min_median_p95_and_max() =>
        Assert.Equal(new FigureStats(1, 0.4, 0.4, 0.4, 0.4), ReportFigures.Summarize([0.4]));

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two() =>
        Assert.Equal(new FigureStats(4, 1, 2.5, 4, 4), ReportFigures.Summarize([4, 1, 3, 2]));

    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value() =>
        Assert.Equal(new FigureStats(5, 0.38, 0.41, 0.52, 0.52), ReportFigures.Summarize([0.45, 0.41, 0.38, 0.52, 0.40]));

    [Fact]
    public void Nulls_are_ignored_and_counted_out() =>
        Assert.Equal(new FigureStats(2, 1, 3, 5, 5), ReportFigures.Summarize([null, 5, null, 1]));

    [Fact]
    public void All_null_has_no_stats()
    {
        Assert.Null(ReportFigures.Summarize([null, null]));
        Assert.Null(ReportFigures.Summarize([]));
    }

    [Theory]
    [InlineData(20, 19)] // rank ceil(0.95 * 20) = 19, exactly; floating point would make it 20
    [InlineData(21, 20)] // ceil(19.95) = 20
    [InlineData(10, 10)] // ceil(9.5) = 10: with few runs p95 is the worst run
    [InlineData(2, 2)]
    public void P95_is_nearest_rank(int count, double expected) =>
        Assert.Equal(expected, ReportFigures.Summarize(Enumerable.Range(1, count).Select(i => (double?)i))!.P95);

    [Fact]
    public void A_case_has_every_figure_with_the_runs_values()
    {
        var runs = new[]
        {
            SampleRuns.Failover(1, 0.5),
            SampleRuns.Failover(2, 0.25, lost: 2, rejoin: null) with { Before = SampleRuns.Sysbench(1100, 20) },
        };
        var figures = ReportFigures.ForCase(runs);

        Assert.Equal("primary crash", figures.Case);
        Assert.Equal(2, figures.Runs);
        Assert.Equal(Enum.GetValues<FigureKind>(), figures.Figures.Select(f => f.Kind));
        Assert.Equal(new FigureStats(2, 0.25, 0.375, 0.5, 0.5), figures.Of(FigureKind.Writable).Stats); // binary-exact values
        Assert.Equal(new FigureStats(1, 8.5, 8.5, 8.5, 8.5), figures.Of(FigureKind.Rejoin).Stats);
        Assert.Equal(new FigureStats(2, 0, 1, 2, 2), figures.Of(FigureKind.AcknowledgedLost).Stats);
        Assert.Equal(1150, figures.Of(FigureKind.TpsBefore).Stats!.Median, 6);
        Assert.Equal(FigureUnit.Milliseconds, figures.Of(FigureKind.P95After).Unit);
    }

    [Fact]
    public void A_case_without_failover_has_no_promotion_figures()
    {
        var figures = ReportFigures.ForCase([SampleRuns.NoFailover(1), SampleRuns.NoFailover(2, failed: 3)]);

        Assert.Null(figures.Of(FigureKind.Promote).Stats);
        Assert.Null(figures.Of(FigureKind.TpsBefore).Stats);
        Assert.Equal(new FigureStats(2, 0, 1.5, 3, 3), figures.Of(FigureKind.FailedWrites).Stats);
    }

    [Fact]
    public void Runs_of_two_cases_are_refused()
    {
        Assert.Throws<ArgumentException>(() =>
            ReportFigures.ForCase([SampleRuns.Failover(1, 0.4), SampleRuns.NoFailover(1)]));
        Assert.Throws<ArgumentException>(() => ReportFigures.ForCase([]));
    }
}
