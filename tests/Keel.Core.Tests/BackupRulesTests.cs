using Keel.Core.Backup;
using Keel.Core.Model;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

/// <summary>Where backups are taken, when scheduled ones are due, and which ones retention lets go.</summary>
public sealed class BackupRulesTests
{
    private static MemberState Streaming(string name, string received) =>
        Member(name, Replica("m1", received: received, applied: received)) with { Following = "m1" };

    public static TheoryData<string, ClusterView, string?, string?, string> Sources() => new()
    {
        { "the replica with the least lag", Cluster("m1", Member("m1", Primary("0-1-20")), Streaming("m2", "0-1-12"), Streaming("m3", "0-1-20")), null, "m3", "least lag" },
        { "equal lag: by name", Cluster("m1", Member("m1", Primary("0-1-20")), Streaming("m3", "0-1-20"), Streaming("m2", "0-1-20")), null, "m2", "least lag" },
        { "the primary only when no replica streams", Cluster("m1", Member("m1", Primary("0-1-20")), Member("m2", Replica("m1", io: false)) with { Following = "m1" }), null, "m1", "no replica streams" },
        { "no primary: nobody", Cluster(null, Streaming("m2", "0-1-20")), null, null, "no primary" },
        { "--from a running member", Cluster("m1", Member("m1", Primary("0-1-20")), Streaming("m2", "0-1-20")), "m1", "m1", "was asked for" },
        { "--from an unknown member", Cluster("m1", Member("m1", Primary("0-1-20"))), "m7", null, "m7 is not a member" },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void The_source_rule(string name, ClusterView view, string? from, string? source, string reasonPart)
    {
        var (chosen, reason) = BackupSource.Choose(view, from);
        Assert.True(source == chosen, $"{name}: chose {chosen}");
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }

    private static BackupManifest Backup(string id, int hoursAgo, bool? verified = null) =>
        new(id, "m2", Now.AddHours(-hoursAgo - 1), Now.AddHours(-hoursAgo), "0-1-5", 100, 40, "ab", "1", "10.11",
            verified is { } v ? new BackupVerification(Now, v, "") : null);

    [Fact]
    public void Retention_keeps_the_newest_n_and_the_newest_verified_one()
    {
        var backups = new[] { Backup("a", 40, verified: true), Backup("b", 30), Backup("c", 20), Backup("d", 10) };

        var (remove, reason) = BackupRetention.ToRemove(backups, new RetentionPolicy(2, null), Now);

        Assert.Equal(["b"], remove.Select(b => b.Id));
        Assert.Contains("keeps the newest 2", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Retention_by_age_never_removes_the_newest_backup()
    {
        var backups = new[] { Backup("a", 100), Backup("b", 72) };
        var (remove, _) = BackupRetention.ToRemove(backups, new RetentionPolicy(null, TimeSpan.FromDays(1)), Now);
        Assert.Equal(["a"], remove.Select(b => b.Id));
        Assert.Empty(BackupRetention.ToRemove(backups, RetentionPolicy.KeepAll, Now).Remove);
    }

    [Fact]
    public void An_interval_schedule_cuts_time_into_slots_every_agent_agrees_on()
    {
        var schedule = new IntervalSchedule(TimeSpan.FromHours(6));
        var at = new DateTimeOffset(2026, 12, 7, 13, 45, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero), schedule.SlotAt(at));
        Assert.True(BackupSlots.IsDue(schedule, null, at));
        Assert.False(BackupSlots.IsDue(schedule, schedule.SlotAt(at), at));
        Assert.True(BackupSlots.IsDue(schedule, schedule.SlotAt(at), at.AddHours(5)));
    }
}
