using System.Text.Json;
using Keel.Agent.Backup;
using Keel.Bench;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Backups that are proven, against real servers: taken under load, listed, verified by restoring them.</summary>
public sealed class BackupTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    /// <summary>
    /// `keel backup` under write load takes a backup from a replica; `keel backup verify` restores it and checks every
    /// table; a flipped byte in the stored file fails verification with the reason; a backup that cannot be written
    /// fails with the reason and `keel status` warns about it.
    /// </summary>
    [Fact]
    public async Task A_backup_under_load_is_listed_and_verified_a_damaged_one_fails_verify_and_a_failed_one_shows_in_status()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        var home = cluster.Layout.Home;
        var primary = (await cluster.ViewAsync()).Leader!.Name;

        var (code, err, taken) = await KeelProcess.RunAsync(Generous, ["backup", "--home", home]);
        output.WriteLine(taken);
        Assert.True(code == 0, err);
        Assert.Matches(@"took backup backup-\d{8}-\d{6}-m\d: [0-9.]+ MB read, [0-9.]+ MB stored", taken);
        Assert.DoesNotContain($"asked {primary} ", taken, StringComparison.Ordinal); // a replica serves it

        var (_, _, listed) = await KeelProcess.RunAsync(Generous, ["backup", "list", "--json", "--home", home]);
        var backup = Assert.Single(JsonSerializer.Deserialize(listed, BackupJson.Default.IReadOnlyListBackupManifest)!);
        Assert.Matches(@"^\d+-\d+-\d+", backup.GtidPosition);
        Assert.True(backup.StoredBytes > 0 && backup.StoredBytes < backup.StreamBytes, "the backup is compressed");

        var (verifyCode, verifyErr, verified) = await KeelProcess.RunAsync(Generous, ["backup", "verify", backup.Id, "--home", home]);
        output.WriteLine(verified);
        Assert.True(verifyCode == 0, verifyErr + verified);
        Assert.Contains($"verified {backup.Id}: restored", verified, StringComparison.Ordinal);
        Assert.Contains("CHECK TABLE passed", verified, StringComparison.Ordinal);
        var (_, _, table) = await KeelProcess.RunAsync(Generous, ["backup", "list", "--home", home]);
        Assert.Contains("yes", table, StringComparison.Ordinal);

        // One byte flipped in the middle of the stored file.
        var file = Path.Combine(cluster.Layout.Backups, "backups", backup.Id, DirectoryBackupRepository.DataFile);
        await using (var f = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = f.Length / 2;
            var b = f.ReadByte();
            f.Position = f.Length / 2;
            f.WriteByte((byte)(b ^ 0xFF));
        }
        var (damagedCode, _, damaged) = await KeelProcess.RunAsync(Generous, ["backup", "verify", backup.Id, "--home", home]);
        output.WriteLine(damaged);
        Assert.Equal(1, damagedCode);
        Assert.Contains($"backup {backup.Id} FAILED verification: the stored file is damaged", damaged, StringComparison.Ordinal);

        // The repository cannot be written (a file where its backups directory should be): the backup fails with the reason.
        var backups = Path.Combine(cluster.Layout.Backups, "backups");
        var aside = backups + ".test-aside";
        Directory.Move(backups, aside);
        await File.WriteAllTextAsync(backups, "not a directory");
        try
        {
            var (failedCode, _, failed) = await KeelProcess.RunAsync(Generous, ["backup", "--home", home]);
            output.WriteLine(failed);
            Assert.Equal(1, failedCode);
            Assert.Contains("failed:", failed, StringComparison.Ordinal);
            var (_, _, status) = await KeelProcess.RunAsync(Generous, ["status", "--home", home]);
            output.WriteLine(status);
            Assert.Contains("the last backup did not succeed", status, StringComparison.Ordinal);
            var (_, _, history) = await KeelProcess.RunAsync(Generous, ["history", "--home", home]);
            Assert.Contains("failed:", history, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(backups);
            Directory.Move(aside, backups);
        }

        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        cluster.Checked(await checker.FinishAsync("backups under write load"));
    }

    /// <summary>
    /// backup.schedule every 10 s with retention 2 and verify on, and a switchover mid-schedule: backups come by themselves, each slot once whichever
    /// agent leads, each verified, and the repository keeps the newest two.
    /// </summary>
    [Fact]
    public async Task Scheduled_backups_run_once_per_slot_are_verified_and_retention_keeps_the_newest_two()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s", backupSchedule: "10s", backupRetentionCount: 2, backupVerify: true);
        var repository = new DirectoryBackupRepository(cluster.Layout.Backups);
        const string Scheduled = "for scheduled backup";
        await PlaygroundCluster.EventuallyAsync(() =>
            Task.FromResult(cluster.Spec.Members.Any(m => cluster.AgentLog(m.Name).Contains(Scheduled, StringComparison.Ordinal)) ? "ok" : null),
            TimeSpan.FromMinutes(2), "a first scheduled backup");

        // The leader changes mid-schedule: the new primary's agent goes on scheduling, and no slot runs twice.
        var first = (await cluster.ViewAsync()).Leader!.Name;
        var (code, err, moved) = await KeelProcess.RunAsync(Generous, ["switchover", "--home", cluster.Layout.Home, "--wait", "60"]);
        output.WriteLine(moved);
        Assert.True(code == 0, err + moved);
        var second = await cluster.WaitForNewPrimaryAsync(first);
        var before = cluster.AgentLog(second).Split(Scheduled).Length;
        var removedSome = await PlaygroundCluster.EventuallyAsync(() =>
            Task.FromResult(cluster.Spec.Members.Any(m => cluster.AgentLog(m.Name).Contains("removed 1 old backup(s)", StringComparison.Ordinal))
                && cluster.AgentLog(second).Split(Scheduled).Length > before ? "ok" : null),
            TimeSpan.FromMinutes(4), $"scheduled backups asked for by the new primary {second}, and retention removing the oldest");
        Assert.Equal("ok", removedSome);

        var logs = string.Join('\n', cluster.Spec.Members.Select(m => cluster.AgentLog(m.Name)));
        var slots = System.Text.RegularExpressions.Regex.Matches(logs, @"asked m\d for scheduled backup backup-\S+ \(slot ([^,]+),").Select(m => m.Groups[1].Value).ToList();
        output.WriteLine($"scheduled slots: {string.Join(", ", slots)}");
        Assert.True(slots.Count >= 3, $"only {slots.Count} scheduled backups");
        Assert.Equal(slots.Count, slots.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("verified backup", logs, StringComparison.Ordinal);

        var kept = repository.List();
        Assert.InRange(kept.Count, 2, 3); // two, or three between the next one's manifest and its retention pass
        Assert.All(kept.Where(b => b.Verification is not null), b => Assert.True(b.Verification!.Passed, b.Verification.Detail));
    }
}
