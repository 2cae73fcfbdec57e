using Keel.Core.Binlogs;
using Keel.Core.Gtid;

namespace Keel.Core.Tests;

public sealed class BinlogRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Five files of 100 bytes: file i began at 0-1-(i*10) and was last written i-5 hours ago (the last one now).</summary>
    private static readonly IReadOnlyList<LocalBinlogFile> Files =
        [.. Enumerable.Range(1, 5).Select(i => new LocalBinlogFile($"mysql-bin.00000{i}", 100, GtidPosition.Parse($"0-1-{i * 10}"), Now.AddHours(i - 5)))];

    private static BinlogNeed Live(string who, string pos) => new(who, GtidPosition.Parse(pos), Live: true);

    private static BinlogNeed Down(string who, string pos) => new(who, GtidPosition.Parse(pos), Live: false);

    [Theory]
    // Size cap: the newest 250 bytes are two whole files, so files 1-3 may go; replicas are caught up.
    [InlineData(250L, null, "mysql-bin.000004", 3)]
    // Age cap of 2.5 h: files last written 4 and 3 h ago go.
    [InlineData(null, 2.5, "mysql-bin.000003", 2)]
    // Both caps: whichever purges more.
    [InlineData(450L, 1.5, "mysql-bin.000004", 3)]
    // Everything within the caps: nothing goes.
    [InlineData(10_000L, 100.0, null, 0)]
    public void Caps_decide_how_far_when_every_reader_is_caught_up(long? maxBytes, double? maxHours, string? purgeTo, int files)
    {
        var plan = BinlogRetention.Plan(Files, [Live("m2", "0-1-55"), Live("archiver", "0-1-55")],
            new BinlogRetentionPolicy(maxBytes, maxHours is { } h ? TimeSpan.FromHours(h) : null), Now);

        Assert.Equal(purgeTo, plan.PurgeTo);
        Assert.Equal(files, plan.Files);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void A_live_member_keeps_the_file_it_reads_from_and_the_warning_names_it()
    {
        // m3 (live, its server maybe stopped) is at 0-1-25: it reads from file 2, which began at 0-1-20.
        var plan = BinlogRetention.Plan(Files, [Live("m2", "0-1-55"), Live("m3", "0-1-25")], new BinlogRetentionPolicy(100, null), Now);

        Assert.Equal("mysql-bin.000002", plan.PurgeTo);
        Assert.Equal(1, plan.Files);
        Assert.Contains("m3 (at 0-1-25) still needs them from mysql-bin.000002", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void The_archiver_is_a_reader_like_any_member()
    {
        var plan = BinlogRetention.Plan(Files, [Live("m2", "0-1-55"), Live("archiver", "0-1-10")], new BinlogRetentionPolicy(100, null), Now);

        Assert.Null(plan.PurgeTo);
        Assert.Contains("archiver", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_reader_whose_position_is_unknown_stops_every_purge()
    {
        var plan = BinlogRetention.Plan(Files, [Live("m2", "0-1-55"), new BinlogNeed("m3", null, Live: true)], new BinlogRetentionPolicy(100, null), Now);

        Assert.Null(plan.PurgeTo);
        Assert.Contains("because m3 (position unknown) still needs every binlog", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_down_member_is_kept_within_the_caps_and_named_when_the_caps_pass_it()
    {
        var within = BinlogRetention.Plan(Files, [Down("m3", "0-1-45")], new BinlogRetentionPolicy(250, null), Now);
        Assert.Equal("mysql-bin.000004", within.PurgeTo);
        Assert.Contains("m3 is down and needs binlogs from mysql-bin.000004 on: it will need a re-clone if binlogs are purged past mysql-bin.000004",
            Assert.Single(within.Warnings), StringComparison.Ordinal);

        var past = BinlogRetention.Plan(Files, [Down("m3", "0-1-15")], new BinlogRetentionPolicy(250, null), Now);
        Assert.Equal("mysql-bin.000004", past.PurgeTo);
        Assert.Contains("m3 is down and needs binlogs from mysql-bin.000001 on, which are purged here now", Assert.Single(past.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void The_active_file_is_never_purged()
    {
        var plan = BinlogRetention.Plan(Files, [], new BinlogRetentionPolicy(1, TimeSpan.Zero), Now);

        Assert.Equal("mysql-bin.000005", plan.PurgeTo);
        Assert.Equal(4, plan.Files);
        Assert.Null(BinlogRetention.Plan(Files.Take(1).ToList(), [], new BinlogRetentionPolicy(1, null), Now).PurgeTo);
    }

    [Theory]
    [InlineData("0-1-9", 0)]
    [InlineData("0-1-10", 0)]
    [InlineData("0-1-29", 1)]
    [InlineData("0-1-30", 2)]
    [InlineData("0-1-99", 4)]
    [InlineData("1-1-99", 0)]
    public void A_reader_needs_the_newest_file_that_began_at_a_position_it_holds(string position, int index) =>
        Assert.Equal(index, BinlogRetention.NeededFrom(Files, GtidPosition.Parse(position)));
}
