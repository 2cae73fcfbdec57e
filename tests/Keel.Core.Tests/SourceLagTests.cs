using Keel.Core.Gtid;

namespace Keel.Core.Tests;

/// <summary>Keel's own lag: the age of the oldest primary position the replica has not applied, on the replica's clock.</summary>
public class SourceLagTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static GtidPosition P(string text) => GtidPosition.Parse(text);

    [Theory]
    // applied, expected lag in seconds at T0+10 s, with the primary seen at 0-1-10 (T0), 0-1-20 (T0+4 s), 0-1-30 (T0+7 s)
    [InlineData("0-1-30", 0)]
    [InlineData("0-1-35", 0)]
    [InlineData("0-1-25", 3)]
    [InlineData("0-1-20", 3)]
    [InlineData("0-1-12", 6)]
    [InlineData("0-1-5", 10)]
    [InlineData("", 10)]
    // Applied in another domain only: the primary's domain 0 is still missing.
    [InlineData("1-1-99", 10)]
    public void Lag_is_the_age_of_the_oldest_primary_position_not_applied(string applied, double seconds)
    {
        var log = SourceLag.None
            .Observe("m1", P("0-1-10"), T0)
            .Observe("m1", P("0-1-20"), T0.AddSeconds(4))
            .Observe("m1", P("0-1-30"), T0.AddSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(seconds), log.Measure(P(applied), T0.AddSeconds(10)).Lag);
    }

    [Fact]
    public void A_primary_seen_again_at_the_same_position_keeps_the_first_time()
    {
        var log = SourceLag.None.Observe("m1", P("0-1-10"), T0).Observe("m1", P("0-1-10"), T0.AddSeconds(5));
        Assert.Single(log.Entries);
        Assert.Equal(TimeSpan.FromSeconds(9), log.Measure(P("0-1-9"), T0.AddSeconds(9)).Lag);
    }

    [Fact]
    public void Semi_sync_blocked_primary_shows_as_growing_lag_though_the_server_says_zero()
    {
        // The primary wrote 0-1-11 to its binlog, waits for an acknowledgement, and the replica never received it.
        var log = SourceLag.None.Observe("m1", P("0-1-10"), T0).Observe("m1", P("0-1-11"), T0.AddSeconds(1));
        var (lag1, rest) = log.Measure(P("0-1-10"), T0.AddSeconds(2));
        var (lag2, _) = rest.Observe("m1", P("0-1-11"), T0.AddSeconds(30)).Measure(P("0-1-10"), T0.AddSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(1), lag1);
        Assert.Equal(TimeSpan.FromSeconds(29), lag2);
    }

    [Fact]
    public void Applied_positions_are_forgotten_and_a_new_primary_starts_afresh()
    {
        var log = SourceLag.None.Observe("m1", P("0-1-10"), T0).Observe("m1", P("0-1-20"), T0.AddSeconds(1));
        var (_, rest) = log.Measure(P("0-1-15"), T0.AddSeconds(2));
        Assert.Equal(["0-1-20"], rest.Entries.Select(e => e.Position.ToString()));
        var (_, none) = rest.Measure(P("0-1-20"), T0.AddSeconds(3));
        Assert.Empty(none.Entries);

        var moved = rest.Observe("m2", P("0-2-21"), T0.AddSeconds(4));
        Assert.Equal("m2", moved.Primary);
        Assert.Equal(["0-2-21"], moved.Entries.Select(e => e.Position.ToString()));
    }

    [Fact]
    public void A_stuck_replica_keeps_the_oldest_position_so_its_lag_stays_exact()
    {
        var log = SourceLag.None;
        for (var i = 1; i <= SourceLag.MaxEntries + 50; i++)
        {
            log = log.Observe("m1", P($"0-1-{i}"), T0.AddSeconds(i));
        }
        Assert.Equal(SourceLag.MaxEntries, log.Entries.Count);
        Assert.Equal(TimeSpan.FromSeconds(2000 - 1), log.Measure(P("0-1-0"), T0.AddSeconds(2000)).Lag);
    }

    [Fact]
    public void An_empty_position_is_not_noted()
    {
        Assert.Empty(SourceLag.None.Observe("m1", GtidPosition.Empty, T0).Entries);
    }
}
