using Keel.Core.Backup;
using Keel.Core.Backup.Archive;
using Keel.Core.Gtid;
using static Keel.Core.Tests.ArchiveTimelineTests;

namespace Keel.Core.Tests;

public class RestorePlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static BackupManifest Backup(string id, string gtid, int finishedAtSecond, bool? verified = null) =>
        new(id, "m2", T0, T0.AddSeconds(finishedAtSecond), gtid, 1000, 500, "x", "1", "10.11")
        {
            Verification = verified is { } v ? new BackupVerification(T0, v, "") : null,
        };

    // Transaction 0-1-s was written at T0 + s seconds (see ArchiveTimelineTests.File).
    private static readonly ArchiveTimeline Archive = ArchiveTimeline.Build([
        File("s1-m1", "mysql-bin.000001", "", "0-1-1", "0-1-2", "0-1-3", "0-1-4"),
        File("s1-m1", "mysql-bin.000002", "0-1-4", "0-1-5", "0-1-6"),
        File("s2-m2", "mysql-bin.000003", "0-1-5", "0-1-6", "0-2-7", "0-2-8"),
    ]);

    private static readonly BackupManifest[] Backups = [Backup("b1", "0-1-2", 2), Backup("b2", "0-1-5", 5)];

    private static RestorePlan Planned(RestoreTarget target, string? id = null)
    {
        var (plan, refusal) = RestorePlanner.Plan(Backups, Archive, id, target);
        Assert.True(plan is not null, refusal);
        return plan;
    }

    [Fact]
    public void Latest_replays_everything_after_the_newest_backup_in_ranges_of_consecutive_transactions()
    {
        var plan = Planned(new RestoreTarget.Latest());
        Assert.Equal("b2", plan.Backup.Id);
        Assert.Equal(
            [("s1-m1", "mysql-bin.000002", 400L, 500L), ("s2-m2", "mysql-bin.000003", 400L, 600L)],
            plan.Ranges.Select(r => (r.Segment, r.File, r.Start, r.End)));
        Assert.Equal(["0-1-6", "0-2-7", "0-2-8"], plan.Ranges.SelectMany(r => r.Transactions).Select(g => g.ToString()));
        Assert.Equal("0-2-8", plan.End.ToString());
        Assert.Equal(T0.AddSeconds(8), plan.LastTransactionAt);
    }

    [Fact]
    public void A_time_takes_the_newest_backup_finished_by_then_and_every_transaction_that_began_before_it()
    {
        var plan = Planned(new RestoreTarget.BeforeTime(T0.AddSeconds(4)));
        Assert.Equal("b1", plan.Backup.Id);
        Assert.Equal(["0-1-3"], plan.Ranges.SelectMany(r => r.Transactions).Select(g => g.ToString()));
        Assert.Equal("0-1-3", plan.End.ToString());

        Assert.Equal("0-2-7", Planned(new RestoreTarget.BeforeTime(T0.AddSeconds(8))).End.ToString());
        Assert.Equal("0-1-5", Planned(new RestoreTarget.BeforeTime(T0.AddSeconds(6))).End.ToString());
    }

    [Fact]
    public void A_gtid_stops_right_after_that_transaction()
    {
        var plan = Planned(new RestoreTarget.ThroughGtid(Gtid.Gtid.Parse("0-2-7")));
        Assert.Equal("b2", plan.Backup.Id);
        Assert.Equal("0-2-7", plan.End.ToString());
        Assert.Equal(["0-1-6", "0-2-7"], plan.Ranges.SelectMany(r => r.Transactions).Select(g => g.ToString()));
        Assert.Equal("b1", Planned(new RestoreTarget.ThroughGtid(Gtid.Gtid.Parse("0-1-4"))).Backup.Id);
        Assert.Empty(Planned(new RestoreTarget.ThroughGtid(Gtid.Gtid.Parse("0-1-5"))).Ranges);
    }

    [Theory]
    [InlineData("time", 1, "2026-12-07 10:00:01 UTC is before the oldest backup; the restorable range is 2026-12-07 10:00:02 UTC (backup b1, at GTID 0-1-2) to 2026-12-07 10:00:09 UTC (GTID 0-2-8, the newest archived transaction)")]
    [InlineData("time", 30, "2026-12-07 10:00:30 UTC is after the newest archived transaction (0-2-8 at 2026-12-07 10:00:08 UTC); the restorable range is")]
    [InlineData("gtid", 0, "GTID 0-2-9 is not in the archive; the restorable range is")]
    [InlineData("backup", 0, "there is no backup b9 (backups: b1, b2)")]
    [InlineData("late-backup", 0, "backup b2 (finished 2026-12-07 10:00:05 UTC, at GTID 0-1-5) is not before 2026-12-07 10:00:03 UTC")]
    public void Refusals_say_why_and_what_range_can_be_restored(string kind, int second, string expected)
    {
        var (plan, refusal) = kind switch
        {
            "time" => RestorePlanner.Plan(Backups, Archive, null, new RestoreTarget.BeforeTime(T0.AddSeconds(second))),
            "gtid" => RestorePlanner.Plan(Backups, Archive, null, new RestoreTarget.ThroughGtid(Gtid.Gtid.Parse("0-2-9"))),
            "backup" => RestorePlanner.Plan(Backups, Archive, "b9", new RestoreTarget.Latest()),
            _ => RestorePlanner.Plan(Backups, Archive, "b2", new RestoreTarget.BeforeTime(T0.AddSeconds(3))),
        };
        Assert.Null(plan);
        Assert.StartsWith(expected, refusal);
    }

    [Fact]
    public void A_gap_after_the_backup_refuses_a_restore_past_it_but_not_one_before_it()
    {
        var gappy = ArchiveTimeline.Build([
            File("s1-m1", "mysql-bin.000001", "", "0-1-1", "0-1-2", "0-1-3"),
            File("s2-m2", "mysql-bin.000007", "0-1-6", "0-2-7"),
        ]);
        var (plan, refusal) = RestorePlanner.Plan(Backups, gappy, "b1", new RestoreTarget.Latest());
        Assert.Null(plan);
        Assert.Equal("the archive has a gap: domain 0 transactions 4 to 6 are missing before s2-m2/mysql-bin.000007; restore to a point before it", refusal);
        Assert.NotNull(RestorePlanner.Plan(Backups, gappy, "b1", new RestoreTarget.ThroughGtid(Gtid.Gtid.Parse("0-1-3"))).Plan);
    }

    [Fact]
    public void A_long_run_of_transactions_is_cut_into_ranges_of_at_most_the_cap()
    {
        var many = Enumerable.Range(1, RestorePlanner.MaxTransactionsPerRange + 5).Select(i => $"0-1-{i}").ToArray();
        var archive = ArchiveTimeline.Build([File("s1", "mysql-bin.000001", "", many)]);
        var (plan, _) = RestorePlanner.Plan([Backup("b0", "", 0)], archive, null, new RestoreTarget.Latest());
        Assert.Equal([RestorePlanner.MaxTransactionsPerRange, 5], plan!.Ranges.Select(r => r.Transactions.Count));
        Assert.Equal(plan.Ranges[0].End, plan.Ranges[1].Start);
    }

    [Fact]
    public void A_backup_that_failed_verification_is_never_chosen_and_no_backup_is_a_refusal()
    {
        var (plan, _) = RestorePlanner.Plan([Backups[0], Backup("b2", "0-1-5", 5, verified: false)], Archive, null, new RestoreTarget.Latest());
        Assert.Equal("b1", plan!.Backup.Id);
        Assert.Equal("there is no backup in the repository to restore from", RestorePlanner.Plan([], Archive, null, new RestoreTarget.Latest()).Refusal);
    }
}
