using Keel.Core.Gtid;

namespace Keel.Core.Tests;

public class GtidPositionTests
{
    [Theory]
    [InlineData("", "", GtidOrder.Equal)]
    [InlineData("0-1-10", "0-1-10", GtidOrder.Equal)]
    [InlineData("0-1-11", "0-1-10", GtidOrder.Ahead)]
    [InlineData("0-1-9", "0-1-10", GtidOrder.Behind)]
    [InlineData("0-2-12", "0-1-10", GtidOrder.Ahead)] // after a failover the domain goes on with another server id
    [InlineData("0-1-10,1-1-5", "0-1-10", GtidOrder.Ahead)]
    [InlineData("0-1-10", "0-1-10,1-3-1", GtidOrder.Behind)]
    [InlineData("0-1-11,1-1-4", "0-1-10,1-1-5", GtidOrder.Diverged)]
    [InlineData("0-1-5", "", GtidOrder.Ahead)]
    public void Positions_are_ordered_per_domain(string a, string b, GtidOrder expected) =>
        Assert.Equal(expected, GtidPosition.Parse(a).CompareWith(GtidPosition.Parse(b)));

    [Fact]
    public void Parsing_keeps_the_highest_sequence_of_each_domain_and_prints_sorted()
    {
        var p = GtidPosition.Parse(" 1-3-7, 0-1-10 ,0-2-4");
        Assert.Equal("0-1-10,1-3-7", p.ToString());
        Assert.Equal(17UL, p.TransactionCount);
    }

    [Theory]
    [InlineData("0-1")]
    [InlineData("a-1-2")]
    [InlineData("0-1-2-3")]
    [InlineData("-1-1-1")]
    public void Malformed_positions_are_rejected_with_the_text_in_the_message(string text)
    {
        var ex = Assert.Throws<FormatException>(() => GtidPosition.Parse(text));
        Assert.Contains(text.Split(',')[0], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Union_takes_the_furthest_of_each_domain()
    {
        var u = GtidPosition.Parse("0-1-10,1-1-2").Union(GtidPosition.Parse("0-2-12,2-1-1"));
        Assert.Equal("0-2-12,1-1-2,2-1-1", u.ToString());
    }

    [Fact]
    public void Transactions_beyond_counts_only_what_the_other_lacks()
    {
        Assert.Equal(3UL, GtidPosition.Parse("0-1-13,1-1-2").TransactionsBeyond(GtidPosition.Parse("0-1-10,1-1-5")));
        Assert.Equal(0UL, GtidPosition.Empty.TransactionsBeyond(GtidPosition.Parse("0-1-10")));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("0-1-5,1-2-7", true)]
    [InlineData("0-1-x", false)]
    [InlineData("0-1", false)]
    [InlineData("0-1-5,garbage", false)]
    public void TryParse_says_whether_text_is_a_position_instead_of_throwing(string text, bool ok)
    {
        Assert.Equal(ok, Keel.Core.Gtid.GtidPosition.TryParse(text, out var position));
        Assert.Equal((ok ? Keel.Core.Gtid.GtidPosition.Parse(text) : Keel.Core.Gtid.GtidPosition.Empty).ToString(), position.ToString());
    }
}
