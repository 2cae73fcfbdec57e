using Keel.Bench;
using Keel.Core.Gtid;
using Keel.MySql;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Disks that never fill, against real servers: the disk guard's hand-over and binlog retention.</summary>
public sealed class DiskAndBinlogTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Every member writes its binlogs to a 64 MB filesystem of its own (critical below 20 MB free; sizes, not
    /// shares, so that the test host's own disk never counts). Under write load the
    /// primary's is filled to just above the critical level, and 1 MB rows push it under: the primary asks for a
    /// planned switchover before the server stops with disk full. Nothing acknowledged is lost, and `keel status` warns
    /// about the full member.
    /// </summary>
    [Fact]
    public async Task A_primary_whose_binlog_disk_fills_hands_over_before_the_server_stops()
    {
        await using var m1 = await SmallFilesystem.MountAsync("binlog-m1", 64);
        await using var m2 = await SmallFilesystem.MountAsync("binlog-m2", 64);
        await using var m3 = await SmallFilesystem.MountAsync("binlog-m3", 64);
        var binlogDirs = new Dictionary<string, SmallFilesystem> { ["m1"] = m1, ["m2"] = m2, ["m3"] = m3 };
        await using var cluster = await PlaygroundCluster.StartAsync(output,
            agentYamlExtra: "disk:\n  warn: 40MB\n  critical: 20MB\n",
            mariadbSettings: binlogDirs.ToDictionary(kv => kv.Key,
                kv => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["log_bin"] = Path.Combine(kv.Value.Path, "mysql-bin") }));
        await using var checker = await WriteChecker.StartAsync(cluster.Bench, new WriteLoad(2, TimeSpan.FromMilliseconds(20)));
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 50);

        var primary = (await cluster.ViewAsync()).Leader!.Name;
        var fs = binlogDirs[primary];
        var (_, total) = fs.Space();
        fs.FillUntilFree(24L << 20);
        output.WriteLine($"filled {primary}'s binlog filesystem to {fs.Space().Free >> 20} MB free of {total >> 20} MB");

        // 1 MB rows through the read-write endpoint until the primary moves (the old one is read-only by then).
        await using (var c = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await c.QueryAsync("CREATE TABLE IF NOT EXISTS filler (id INT AUTO_INCREMENT PRIMARY KEY, b LONGBLOB)");
        }
        checker.FaultNow();
        var moved = Task.Run(() => cluster.WaitForNewPrimaryAsync(primary));
        for (var i = 0; i < 30 && !moved.IsCompleted; i++)
        {
            try
            {
                await using var c = await MySqlConnection.OpenAsync(cluster.ReadWrite);
                await c.QueryAsync("INSERT INTO filler (b) VALUES (REPEAT('x', 1048576))");
            }
            catch (MySqlException ex)
            {
                output.WriteLine($"a filler row failed (expected around the hand-over): {ex.Message}");
            }
            await Task.Delay(500);
        }
        var next = await moved;
        output.WriteLine($"the primary moved from {primary} to {next}; {primary}'s binlog filesystem has {fs.Space().Free >> 20} MB free");
        Assert.Contains("asked for a planned switchover", cluster.AgentLog(primary), StringComparison.Ordinal);
        Assert.Contains("disk is critically full", cluster.AgentLog(primary), StringComparison.Ordinal);

        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 100);
        cluster.Checked(await checker.FinishAsync("binlog-disk-full"));

        var (code, err, status) = await KeelProcess.RunAsync(Generous, ["status", "--home", cluster.Layout.Home]);
        output.WriteLine(status);
        Assert.True(code is 0 or 1, err);
        Assert.Contains($"{primary}'s disk is critically full", status, StringComparison.Ordinal);
        // The old primary is never chosen again while its disk is full.
        Assert.Equal(next, (await cluster.ViewAsync()).Leader!.Name);
    }

    /// <summary>
    /// Binlogs of 1 MB with a 3 MB cap. A replica's server is stopped (the cluster paused, so its agent leaves it
    /// down) while 12 MB of binlog is written: the primary purges past the cap, but never the file the stopped replica
    /// reads from, and says so. Resumed, the replica catches up by replication, without a re-clone; then the primary
    /// purges down to the cap.
    /// </summary>
    [Fact]
    public async Task Retention_never_purges_a_binlog_a_stopped_replica_still_needs()
    {
        var small = (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["max_binlog_size"] = "1048576" };
        await using var cluster = await PlaygroundCluster.StartAsync(output,
            agentYamlExtra: "binlogs:\n  max_size: 3MB\n  check_interval: 2s\n",
            mariadbSettings: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["m1"] = small, ["m2"] = small, ["m3"] = small });
        await using var checker = await WriteChecker.StartAsync(cluster.Bench, new WriteLoad(2, TimeSpan.FromMilliseconds(20)));
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 50);
        var home = cluster.Layout.Home;

        var view = await cluster.ViewAsync();
        var primary = view.Leader!.Name;
        var victim = view.Members.Keys.Where(n => n != primary).Order(StringComparer.Ordinal).Last();
        await using (var c = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            // A few files the victim has everything of, before it stops: those are the ones retention may purge.
            await c.QueryAsync("CREATE TABLE IF NOT EXISTS filler (id INT AUTO_INCREMENT PRIMARY KEY, b LONGBLOB)");
            for (var i = 0; i < 4; i++)
            {
                await c.QueryAsync("INSERT INTO filler (b) VALUES (REPEAT('x', 1048576))");
            }
        }
        await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.Members[victim].BinlogPosition == v.Members[primary].BinlogPosition ? v : null;
        }, Generous, $"{victim} to catch up before it stops");
        await Task.Delay(TimeSpan.FromSeconds(5)); // two retention passes see it there
        Assert.Equal(0, (await KeelProcess.RunAsync(Generous, ["pause", "--home", home])).Code);
        cluster.Server(victim).Kill();
        var victimPosition = await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var m = (await cluster.ViewAsync()).Members[victim];
            return m.Server == Keel.Core.Model.ServerStatus.Stopped ? m.ReceivedPosition : null;
        }, Generous, $"{victim}'s agent to see its server stopped");
        output.WriteLine($"stopped {victim}'s server at {victimPosition}");

        await using (var c = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            for (var i = 0; i < 12; i++)
            {
                await c.QueryAsync("INSERT INTO filler (b) VALUES (REPEAT('x', 1048576))");
            }
        }

        // The primary purges what the cap allows and keeps the file the stopped replica reads from.
        var warning = await PlaygroundCluster.EventuallyAsync(async () =>
            (await cluster.ViewAsync()).Members[primary].Binlogs?.Warnings is { } w && w.Contains(victim, StringComparison.Ordinal)
                && (await FirstBinlogStartAsync(cluster, primary)).File != "mysql-bin.000001" ? w : null,
            Generous, $"{primary} to purge its oldest binlogs and say that {victim} still needs the rest");
        output.WriteLine($"{primary}: {warning}");
        foreach (var row in (await cluster.RootQueryAsync(primary, "SHOW BINARY LOGS")).Rows)
        {
            var ev = await cluster.RootQueryAsync(primary, $"SHOW BINLOG EVENTS IN {MySqlText.Quote(row[0]!)} LIMIT 4");
            output.WriteLine($"{row[0]} {row[1]} {ev.Rows.FirstOrDefault(r => r["Event_type"] == "Gtid_list")?["Info"]}");
        }
        var kept = await FirstBinlogStartAsync(cluster, primary);
        Assert.True(GtidPosition.Parse(victimPosition).Contains(kept.Start),
            $"{primary}'s oldest binlog {kept.File} began at {kept.Start}, after {victim}'s position {victimPosition}");
        Assert.Contains("purged", cluster.AgentLog(primary), StringComparison.Ordinal);

        // Resumed: the replica's server starts, and it catches up from the primary's binlogs.
        Assert.Equal(0, (await KeelProcess.RunAsync(Generous, ["resume", "--home", home])).Code);
        await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.Members[victim] is { IoRunning: true, SqlRunning: true } m && m.BinlogPosition == v.Members[primary].BinlogPosition ? m : null;
        }, Generous, $"{victim} to catch up with {primary}");
        Assert.DoesNotContain("moved its datadir aside", cluster.AgentLog(victim), StringComparison.Ordinal);
        Assert.DoesNotContain("clone", cluster.AgentLog(victim), StringComparison.OrdinalIgnoreCase);
        Assert.Null((await cluster.ViewAsync()).Members[victim].OldDataDirs);

        // With the replica back, the primary purges down to the cap.
        await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var first = await FirstBinlogStartAsync(cluster, primary);
            return first.File != kept.File ? first.File : null;
        }, Generous, $"{primary} to purge past {kept.File} once {victim} no longer needs it");

        cluster.Checked(await checker.FinishAsync("binlog-retention"));
    }

    private static async Task<(string File, GtidPosition Start)> FirstBinlogStartAsync(PlaygroundCluster cluster, string member)
    {
        var first = (await cluster.RootQueryAsync(member, "SHOW BINARY LOGS")).Rows[0][0]!;
        var events = await cluster.RootQueryAsync(member, $"SHOW BINLOG EVENTS IN {MySqlText.Quote(first)} LIMIT 4");
        var list = events.Rows.FirstOrDefault(r => r["Event_type"] == "Gtid_list")?["Info"] ?? "[]";
        return (first, GtidPosition.Parse(list.Trim('[', ']', ' ')));
    }
}
