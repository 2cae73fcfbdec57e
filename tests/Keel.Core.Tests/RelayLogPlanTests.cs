using Keel.Core.Gtid;

namespace Keel.Core.Tests;

public class RelayLogPlanTests
{
    private const string F2 = "relay-bin.000002";
    private const string F3 = "relay-bin.000003";

    // The shapes SHOW RELAYLOG EVENTS printed for a replica of MariaDB 10.11 (positions are relay-log offsets).
    private static RelayEvent[] Transaction(string file, long pos, string gtid, bool commitByXid = true) =>
    [
        new(file, pos, "Gtid", $"BEGIN GTID {gtid}"),
        new(file, pos + 40, "Annotate_rows", "INSERT INTO t VALUES (1)"),
        new(file, pos + 80, "Table_map", "table_id: 33 (app.t)"),
        new(file, pos + 120, "Write_rows_v1", "table_id: 33 flags: STMT_END_F"),
        commitByXid ? new(file, pos + 160, "Xid", "COMMIT /* xid=12 */") : new(file, pos + 160, "Query", "COMMIT"),
    ];

    private static RelayEvent[] Header(string file) =>
    [
        new(file, 4, "Format_desc", "Server ver: 10.11.6-MariaDB-0+deb12u1-log, Binlog ver: 4"),
        new(file, 256, "Gtid_list", "[0-3-2]"),
        new(file, 285, "Binlog_checkpoint", "relay-bin.000001"),
    ];

    [Fact]
    public void Whole_transactions_beyond_the_applied_position_form_one_range_that_stops_at_the_next_event()
    {
        RelayEvent[] events = [.. Header(F2), .. Transaction(F2, 300, "0-3-3"), .. Transaction(F2, 500, "0-3-4"), .. Transaction(F2, 700, "0-3-5", commitByXid: false),
            new(F2, 900, "Rotate", "relay-bin.000003;pos=4")];
        var ranges = RelayLogPlan.Unapplied(events, GtidPosition.Parse("0-3-3"));
        var range = Assert.Single(ranges);
        Assert.Equal(new RelayRange(F2, 500, 900, range.Transactions), range);
        Assert.Equal(["0-3-4", "0-3-5"], range.Transactions.Select(g => g.ToString()));
        Assert.Equal("0-3-5", RelayLogPlan.Received(events, GtidPosition.Parse("0-3-3")).ToString());
    }

    [Fact]
    public void A_transaction_cut_off_by_the_crash_is_not_counted_or_applied()
    {
        RelayEvent[] events = [.. Header(F2), .. Transaction(F2, 300, "0-3-4"), .. Transaction(F2, 500, "0-3-5").Take(3)];
        var range = Assert.Single(RelayLogPlan.Unapplied(events, GtidPosition.Parse("0-3-3")));
        Assert.Equal(500, range.Stop);
        Assert.Equal("0-3-4", RelayLogPlan.Received(events, GtidPosition.Parse("0-3-3")).ToString());
    }

    [Fact]
    public void Nothing_to_apply_when_everything_was_applied_or_the_log_is_empty()
    {
        RelayEvent[] events = [.. Header(F2), .. Transaction(F2, 300, "0-3-3")];
        Assert.Empty(RelayLogPlan.Unapplied(events, GtidPosition.Parse("0-3-3")));
        Assert.Empty(RelayLogPlan.Unapplied(Header(F2), GtidPosition.Empty));
        Assert.Equal("0-3-3", RelayLogPlan.Received(events, GtidPosition.Parse("0-3-3")).ToString());
    }

    [Fact]
    public void A_statement_with_its_own_gtid_is_whole_at_its_query_event_and_a_rolled_back_group_is_skipped()
    {
        RelayEvent[] events =
        [
            .. Header(F2),
            new(F2, 300, "Gtid", "GTID 0-3-4"),
            new(F2, 340, "Query", "CREATE TABLE u (id INT PRIMARY KEY)"),
            new(F2, 400, "Gtid", "BEGIN GTID 0-3-5"),
            new(F2, 440, "Query", "ROLLBACK"),
            .. Transaction(F2, 500, "0-3-6"),
        ];
        var range = Assert.Single(RelayLogPlan.Unapplied(events, GtidPosition.Parse("0-3-3")));
        Assert.Equal(["0-3-4", "0-3-6"], range.Transactions.Select(g => g.ToString()));
        Assert.Equal(300, range.Start);
        Assert.Null(range.Stop);
    }

    [Fact]
    public void Each_file_gets_its_own_range_and_applied_groups_in_between_split_a_run()
    {
        RelayEvent[] events =
        [
            .. Header(F2), .. Transaction(F2, 300, "0-3-4"), .. Transaction(F2, 500, "1-3-7"), .. Transaction(F2, 700, "0-3-5"),
            .. Header(F3), .. Transaction(F3, 300, "0-3-6"),
        ];
        var ranges = RelayLogPlan.Unapplied(events, GtidPosition.Parse("0-3-3,1-3-7"));
        Assert.Equal(3, ranges.Count);
        Assert.Equal(new[] { (F2, 300L, (long?)500L), (F2, 700L, (long?)null), (F3, 300L, (long?)null) },
            ranges.Select(r => (r.File, r.Start, r.Stop)));
        Assert.Equal("0-3-6,1-3-7", RelayLogPlan.Received(events, GtidPosition.Parse("0-3-3,1-3-7")).ToString());
    }
}
