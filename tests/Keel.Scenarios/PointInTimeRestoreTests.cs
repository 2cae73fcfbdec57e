using System.Globalization;
using Keel.Agent.Backup.Archive;
using Keel.Bench;
using Keel.MySql;
using Keel.MySql.Server;
using Keel.Playground;
using Keel.TestSupport;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Point-in-time restore from a backup and the binlog archive, against real servers.</summary>
public sealed class PointInTimeRestoreTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Under write load: a backup, then a time T with rows on both sides of it, then the primary's server is killed
    /// and the writes go on on the new primary. The archive follows the new primary with no gap. A restore to T has
    /// every row written before T and none from T on; a restore to the newest archived transaction, as a new
    /// playground, has every row the cluster has (every acknowledged one). Refusals change nothing.
    /// </summary>
    [Fact]
    public async Task A_restore_to_a_time_is_exact_and_the_archive_follows_the_primary_across_a_failover()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var home = cluster.Layout.Home;
        var repo = cluster.Layout.Backups;
        await using var checker = await WriteChecker.StartAsync(cluster.Bench, new WriteLoad(2, TimeSpan.FromMilliseconds(20)));
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 100);
        var (code, err, taken) = await KeelProcess.RunAsync(Generous, ["backup", "--home", home]);
        output.WriteLine(taken);
        Assert.True(code == 0, err + taken);

        // T: a whole second after the backup, with writes before and after it.
        var now = DateTimeOffset.UtcNow;
        var t = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(2);
        while (DateTimeOffset.UtcNow < t.AddSeconds(1.5))
        {
            await Task.Delay(100);
        }

        var primary = (await cluster.ViewAsync()).Leader!.Name;
        checker.FaultNow();
        cluster.Server(primary).Kill();
        var next = await cluster.WaitForNewPrimaryAsync(primary);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        cluster.Checked(await checker.FinishAsync("pitr-failover"));

        // The archive catches up with the new primary: every transaction it has, once, and no gap.
        var live = (await cluster.RootQueryAsync(next, "SELECT @@global.gtid_binlog_pos")).Scalar()!;
        var archive = new BinlogArchive(repo);
        var timeline = await PlaygroundCluster.EventuallyAsync(async () =>
        {
            await Task.Yield();
            var tl = archive.Timeline();
            return tl.End.ToString() == live ? tl : null;
        }, Generous, $"the archive to reach the new primary's position {live}");
        Assert.Empty(timeline.Gaps);
        Assert.Contains(archive.Segments(), s => s.EndsWith("-" + next, StringComparison.Ordinal));
        var (_, _, status) = await KeelProcess.RunAsync(Generous, ["status", "--home", home]);
        output.WriteLine(status);
        Assert.Contains($"streams {next}'s binlogs", status, StringComparison.Ordinal);

        var liveRows = await IdsAsync(cluster.Bench.Admin(next, TimeSpan.FromSeconds(30)), null);
        var beforeT = await IdsAsync(cluster.Bench.Admin(next, TimeSpan.FromSeconds(30)), t);
        Assert.True(beforeT.Count > 0 && beforeT.Count < liveRows.Count, $"rows on both sides of T ({beforeT.Count} of {liveRows.Count})");
        var tText = t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

        // Refusals, each changing nothing.
        var occupied = TestPaths.NewTempDir("occupied");
        await File.WriteAllTextAsync(Path.Combine(occupied, "keep.txt"), "mine");
        await Refused(repo, ["--to-time", t.AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), "--datadir", occupied + "-x"], "is before the oldest backup; the restorable range is");
        await Refused(repo, ["--to-time", tText + ".5", "--datadir", occupied + "-x"], "has a fraction of a second");
        await Refused(repo, ["--to-time", t.AddHours(1).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), "--datadir", occupied + "-x"], "is after the newest archived transaction");
        await Refused(repo, ["--to-time", tText, "--datadir", occupied], "exists and is not empty");
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(occupied).Select(Path.GetFileName));
        Assert.False(Directory.Exists(occupied + "-x"));

        // To T, into a datadir: exactly the rows written before T.
        var data = Path.Combine(TestPaths.NewTempDir("pitr"), "data");
        var (restoreCode, restoreErr, restored) = await KeelProcess.RunAsync(Generous, ["restore", "--repo", repo, "--to-time", tText, "--datadir", data]);
        output.WriteLine(restored);
        Assert.True(restoreCode == 0, restoreErr + restored);
        Assert.Equal(beforeT, await IdsInDatadirAsync(data));

        // To the newest archived transaction, as a new playground: every row, across the failover.
        var newHome = TestPaths.NewTempDir("restored");
        try
        {
            var (c2, e2, restoredCluster) = await KeelProcess.RunAsync(Generous,
                ["restore", "--repo", repo, "--home", newHome, "--port-base", PlaygroundCluster.FreePortBase().ToString(CultureInfo.InvariantCulture)]);
            output.WriteLine(restoredCluster);
            Assert.True(c2 == 0, e2 + restoredCluster);
            Assert.Contains("the restored cluster is ready", restoredCluster, StringComparison.Ordinal);
            var spec = new PlaygroundRunner(new PlaygroundLayout(newHome), TextWriter.Null).LoadSpec()!;
            var rw = new MySqlConnectOptions
            {
                Host = PlaygroundSpec.Host, Port = spec.ReadWritePort, User = spec.AppUser, Password = spec.AppPassword, Database = spec.AppDatabase,
                TlsCa = spec.TlsEnabled ? PlaygroundTls.CaFile(new PlaygroundLayout(newHome)) : null,
            };
            Assert.Equal(liveRows, await IdsAsync(rw, null));
        }
        finally
        {
            await new PlaygroundRunner(new PlaygroundLayout(newHome), TextWriter.Null).DownAsync(purge: true, CancellationToken.None);
        }
    }

    private async Task Refused(string repo, string[] args, string why)
    {
        var (code, err, text) = await KeelProcess.RunAsync(Generous, ["restore", "--repo", repo, .. args]);
        output.WriteLine(err);
        Assert.Equal(1, code);
        Assert.Contains("keel restore: refused: ", err, StringComparison.Ordinal);
        Assert.Contains(why, err, StringComparison.Ordinal);
        _ = text;
    }

    private static async Task<List<long>> IdsAsync(MySqlConnectOptions options, DateTimeOffset? before)
    {
        await using var c = await MySqlConnection.OpenAsync(options);
        var where = before is { } t ? $" WHERE at < '{t.UtcDateTime:yyyy-MM-dd HH:mm:ss}'" : "";
        var ids = (await c.QueryAsync($"SELECT id FROM {(options.Database is null ? "app." : "")}acked{where} ORDER BY id")).Rows;
        return [.. ids.Select(r => long.Parse(r[0]!, CultureInfo.InvariantCulture))];
    }

    /// <summary>The rows of a restored datadir, read by a throwaway server on it (no network).</summary>
    private static async Task<List<long>> IdsInDatadirAsync(string data)
    {
        var run = Keel.Agent.Backup.ThrowawayServer.NewRunDir("kt");
        var server = Keel.Agent.Backup.ThrowawayServer.On(data, run, 99);
        try
        {
            await server.StartAsync([], TimeSpan.FromMinutes(2), CancellationToken.None);
            return await IdsAsync(server.RootOptions(TimeSpan.FromSeconds(30)) with { Database = "app" }, null);
        }
        finally
        {
            server.Kill();
            Directory.Delete(run, recursive: true);
        }
    }
}
