using Keel.Core.Fencing;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

public class FenceRuleTests
{
    private static FencePromise Until(double seconds) => new(Now.AddSeconds(seconds), 42, Now.AddSeconds(-1));

    [Theory]
    [InlineData(true, 5.0, null)]
    [InlineData(true, -0.1, "promised ran out")]
    [InlineData(false, -60.0, null)]
    [InlineData(null, -60.0, null)]
    public void A_writable_server_is_fenced_only_once_its_agents_promise_ran_out(bool? writable, double untilSeconds, string? reason)
    {
        var why = FenceRule.Reason(Until(untilSeconds), writable, Now);
        if (reason is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(reason, why, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_writable_server_whose_agent_never_promised_or_says_it_is_a_replica_is_fenced()
    {
        Assert.Contains("never promised", FenceRule.Reason(null, true, Now), StringComparison.Ordinal);
        Assert.Contains("says it is not the primary", FenceRule.Reason(new FencePromise(DateTimeOffset.MinValue, 42, Now), true, Now), StringComparison.Ordinal);
    }

    [Fact]
    public void The_watchdog_fences_before_the_lease_can_expire()
    {
        // The promise ends one demote margin before the lease's earliest expiry; the watchdog needs at most one poll
        // and one bounded statement (then it kills) after that.
        Assert.True(FenceRule.Poll + FenceRule.StatementTimeout < Keel.Core.Timing.TimingRules.Default.DemoteMargin);
    }
}
