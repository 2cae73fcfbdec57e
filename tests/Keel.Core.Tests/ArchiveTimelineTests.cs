using Keel.Core.Backup;
using Keel.Core.Backup.Archive;
using Keel.Core.Gtid;

namespace Keel.Core.Tests;

public class ArchiveTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A file whose transactions are 100 bytes each from offset 300, one second apart from T0 + seq s.</summary>
    internal static ArchivedFile File(string segment, string name, string start, params string[] gtids) =>
        new(segment, name, GtidPosition.Parse(start),
            [.. gtids.Select((g, i) => new ArchivedTransaction(Gtid.Gtid.Parse(g), 300 + (i * 100), 400 + (i * 100), T0.AddSeconds(Gtid.Gtid.Parse(g).Sequence)))]);

    private static string[] Gtids(ArchiveTimeline t) => [.. t.Entries.Select(e => e.Gtid.ToString())];

    [Fact]
    public void Files_of_one_stream_make_one_history_starting_at_the_first_files_position()
    {
        var t = ArchiveTimeline.Build([File("s1", "mysql-bin.000001", "", "0-1-1", "0-1-2"), File("s1", "mysql-bin.000002", "0-1-2", "0-1-3")]);
        Assert.Equal(["0-1-1", "0-1-2", "0-1-3"], Gtids(t));
        Assert.Empty(t.Gaps);
        Assert.Empty(t.Abandoned);
        Assert.Equal("0-1-3", t.End.ToString());
        Assert.True(t.Base.IsEmpty);
    }

    [Fact]
    public void A_new_stream_from_the_new_primary_overlaps_and_each_transaction_is_kept_once()
    {
        // m1 archived up to 0-1-5; after a failover m2's stream starts at its file that began at 0-1-3.
        var t = ArchiveTimeline.Build([
            File("s1-m1", "mysql-bin.000004", "0-1-2", "0-1-3", "0-1-4", "0-1-5"),
            File("s2-m2", "mysql-bin.000002", "0-1-3", "0-1-4", "0-1-5", "0-2-6", "0-2-7"),
        ]);
        Assert.Equal(["0-1-3", "0-1-4", "0-1-5", "0-2-6", "0-2-7"], Gtids(t));
        Assert.Equal(["s1-m1", "s1-m1", "s1-m1", "s2-m2", "s2-m2"], t.Entries.Select(e => e.File.Segment));
        Assert.Equal("0-1-2", t.Base.ToString());
        Assert.Empty(t.Gaps);
    }

    [Fact]
    public void Transactions_only_the_failed_primary_had_are_abandoned_for_the_new_primarys_history()
    {
        // m1 wrote 0-1-6 and 0-1-7, the archiver copied them, nobody acknowledged them; m2 went on with 0-2-6.
        var t = ArchiveTimeline.Build([
            File("s1-m1", "mysql-bin.000004", "0-1-2", "0-1-3", "0-1-4", "0-1-5", "0-1-6", "0-1-7"),
            File("s2-m2", "mysql-bin.000002", "0-1-4", "0-1-5", "0-2-6", "0-2-7", "0-2-8"),
        ]);
        Assert.Equal(["0-1-3", "0-1-4", "0-1-5", "0-2-6", "0-2-7", "0-2-8"], Gtids(t));
        Assert.Equal(["0-1-6", "0-1-7"], t.Abandoned.Select(g => g.ToString()));
        Assert.Empty(t.Gaps);
    }

    [Fact]
    public void A_stream_that_starts_past_the_archive_or_skips_sequence_numbers_leaves_a_named_gap()
    {
        var t = ArchiveTimeline.Build([
            File("s1-m1", "mysql-bin.000001", "", "0-1-1", "0-1-2"),
            File("s2-m2", "mysql-bin.000009", "0-1-5", "0-2-6"),
        ]);
        var gap = Assert.Single(t.Gaps);
        Assert.Equal(new ArchiveGap(0, 3, 5, "s2-m2/mysql-bin.000009"), gap);
        Assert.Equal("domain 0 transactions 3 to 5 are missing before s2-m2/mysql-bin.000009", gap.ToString());

        var inside = ArchiveTimeline.Build([File("s1", "mysql-bin.000001", "", "0-1-1", "0-1-3")]);
        Assert.Equal(new ArchiveGap(0, 2, 2, "s1/mysql-bin.000001"), Assert.Single(inside.Gaps));
    }

    [Fact]
    public void Whole_transactions_are_grouped_from_events_and_a_cut_off_one_is_left_out()
    {
        BinlogEvent E(long pos, BinlogEventKind kind, string? query = null) => new(pos, pos + 10, kind, T0) { Query = query };
        BinlogEvent G(long pos, string gtid, bool standalone = false) => new(pos, pos + 10, BinlogEventKind.Gtid, T0.AddSeconds(pos)) { Gtid = Gtid.Gtid.Parse(gtid), Standalone = standalone };
        BinlogEvent[] events =
        [
            new(4, 256, BinlogEventKind.Other, T0),
            new(256, 285, BinlogEventKind.GtidList, T0) { GtidList = GtidPosition.Parse("0-1-4") },
            G(300, "0-1-5"), E(310, BinlogEventKind.Other), E(320, BinlogEventKind.Xid),
            G(400, "0-1-6", standalone: true), E(410, BinlogEventKind.Query, "CREATE TABLE t2 (id int)"),
            G(500, "0-1-7"), E(510, BinlogEventKind.Query, "BEGIN"), E(520, BinlogEventKind.Other), E(530, BinlogEventKind.Query, "COMMIT"),
            G(600, "0-1-8"), E(610, BinlogEventKind.Query, "BEGIN"), E(620, BinlogEventKind.Query, "ROLLBACK"),
            G(700, "0-1-9"), E(710, BinlogEventKind.Other),
        ];
        var whole = BinlogTransactions.Group(events);
        Assert.Equal(["0-1-5", "0-1-6", "0-1-7"], whole.Select(t => t.Gtid.ToString()));
        Assert.Equal((300L, 330L), (whole[0].Start, whole[0].End));
        Assert.Equal((500L, 540L), (whole[2].Start, whole[2].End));
        Assert.Equal(T0.AddSeconds(400), whole[1].At);
        Assert.Equal("0-1-4", BinlogTransactions.StartState(events).ToString());
    }
}

public class ArchiveStartTests
{
    private static readonly PrimaryBinlog[] M2Files =
    [
        new("mysql-bin.000001", GtidPosition.Empty),
        new("mysql-bin.000002", GtidPosition.Parse("0-1-3")),
        new("mysql-bin.000003", GtidPosition.Parse("0-1-5")),
        new("mysql-bin.000004", GtidPosition.Parse("0-2-6")),
    ];

    [Fact]
    public void An_empty_archive_starts_with_the_oldest_binlog()
    {
        Assert.Equal("mysql-bin.000001", ArchiveStart.Choose(M2Files, ArchiveTimeline.Empty).File);
    }

    [Fact]
    public void The_stream_resumes_from_the_newest_file_that_began_inside_the_archive()
    {
        var archive = ArchiveTimeline.Build([ArchiveTimelineTests.File("s1-m1", "mysql-bin.000001", "", "0-1-1", "0-1-2", "0-1-3", "0-1-4", "0-1-5")]);
        var (file, reason) = ArchiveStart.Choose(M2Files, archive);
        Assert.Equal("mysql-bin.000003", file);
        Assert.Equal("mysql-bin.000003 began at 0-1-5, which the archive holds, so the stream continues it with no gap", reason);
    }

    [Fact]
    public void A_file_that_began_after_a_transaction_only_the_failed_primary_had_is_not_a_safe_start()
    {
        // The archive holds 0-1-6, which m2 never had; m2's file 4 began at 0-2-6: same sequence number, other history.
        var archive = ArchiveTimeline.Build([ArchiveTimelineTests.File("s1-m1", "mysql-bin.000001", "", "0-1-1", "0-1-2", "0-1-3", "0-1-4", "0-1-5", "0-1-6")]);
        Assert.Equal("mysql-bin.000003", ArchiveStart.Choose(M2Files, archive).File);
    }

    [Fact]
    public void When_the_primary_purged_past_the_archive_it_starts_at_the_oldest_and_says_there_will_be_a_gap()
    {
        var archive = ArchiveTimeline.Build([ArchiveTimelineTests.File("s1-m1", "mysql-bin.000001", "", "0-1-1")]);
        var (file, reason) = ArchiveStart.Choose(M2Files[2..], archive);
        Assert.Equal("mysql-bin.000003", file);
        Assert.Contains("the archive will have a gap", reason);
    }
}
