using Keel.Core.Timing;

namespace Keel.Core.Tests;

/// <summary>The timing rule: a healthy primary survives one failed keepalive; an unsafe configuration is refused.</summary>
public sealed class TimingRulesTests
{
    private static TimingRules Rules(double ttl, double loop, double request) =>
        new(TimeSpan.FromSeconds(ttl), TimeSpan.FromSeconds(loop), TimeSpan.FromSeconds(request));

    [Fact]
    public void The_defaults_renew_after_one_failed_keepalive_before_the_primary_would_demote_itself()
    {
        var d = TimingRules.Default;
        // Renewals every (10 - 3)/3 s; after one failed try: 7/3 + 0.8 * 7/3 + 0.25 = 4.45 s; demotion at 10 - (1 + 2) = 7 s.
        Assert.Equal(7.0 / 3, d.KeepAliveInterval.TotalSeconds, 3);
        Assert.Equal(4.45, d.RenewalAfterOneFailedTry.TotalSeconds, 3);
        Assert.Equal(7, d.DemoteAfterRenewal.TotalSeconds, 3);
        Assert.Null(d.Validate());
    }

    [Fact]
    public void Every_valid_timing_leaves_room_for_one_failed_keepalive_and_a_retry()
    {
        var checkedCount = 0;
        for (var loop = 0.05; loop <= 5; loop += 0.05)
        {
            for (var request = 0.05; request <= 5; request += 0.05)
            {
                for (var ttl = 1.0; ttl <= 40; ttl += 0.5)
                {
                    var rules = Rules(ttl, loop, request);
                    if (rules.Validate() is not null)
                    {
                        continue;
                    }
                    checkedCount++;
                    Assert.True(rules.RenewalAfterOneFailedTry < rules.DemoteAfterRenewal, $"ttl {ttl}, loop {loop}, request {request}");
                }
            }
        }
        Assert.True(checkedCount > 1000, $"only {checkedCount} valid timings were checked");
    }

    [Theory]
    [InlineData(5, 1, 1, "must be at least 3 * (loop_interval + request_timeout) = 6 s")]
    [InlineData(10, 0.5, 0.5, "the time the watchdog may take to fence a server")]
    [InlineData(10, 0, 1, "must all be positive")]
    public void Unsafe_timings_are_refused_with_the_reason(double ttl, double loop, double request, string reason)
    {
        Assert.Contains(reason, Rules(ttl, loop, request).Validate(), StringComparison.Ordinal);
    }
}
