using System.Text.Json;
using Keel.Bench;
using Keel.MySql;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>`keel checksum` against real servers: clean under write load, and a row changed behind replication's back is named.</summary>
public sealed class ChecksumTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    /// <summary>
    /// A table of 3000 rows in chunks of 500, and a write load on another table all along. First every member agrees
    /// (the load's tables, acked and direct_acked, written to during the run, cause no false difference). Then one replica gets a row changed with
    /// sql_log_bin=0, which leaves no GTID: the next run names that member, the table and the chunk, and nothing else.
    /// </summary>
    [Fact]
    public async Task A_row_changed_without_binlog_on_a_replica_is_named_by_member_table_and_chunk_while_writes_go_on()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output);
        var home = cluster.Layout.Home;
        var primary = (await cluster.WaitForHealthyAsync(TimeSpan.FromSeconds(60))).Name;
        await using (var c = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await c.QueryAsync("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NULL)");
            await c.QueryAsync("INSERT INTO items SELECT seq, CONCAT('item-', seq), IF(seq % 10 = 0, NULL, seq) FROM seq_1_to_3000");
        }
        await using var checker = await WriteChecker.StartAsync(cluster.Bench, new WriteLoad(2, TimeSpan.FromMilliseconds(5)));
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 50);

        var before = checker.Acknowledged;
        var (code, err, clean) = await KeelProcess.RunAsync(Generous, ["checksum", "--home", home, "--chunk-rows", "500"]);
        output.WriteLine(clean + err);
        Assert.True(code == 0, err + clean);
        Assert.Matches(@"no differences in \d+ chunks of 3 tables \(2 members compared with " + primary + @"\)", clean);
        Assert.True(checker.Acknowledged > before, "writes went on during the checksum");

        var replica = cluster.Spec.Members.Select(m => m.Name).First(n => n != primary);
        await using (var c = await MySqlConnection.OpenAsync(cluster.Bench.Admin(replica, TimeSpan.FromSeconds(10))))
        {
            await c.QueryAsync("SET SESSION sql_log_bin = 0");
            await c.QueryAsync("UPDATE app.items SET name = 'drifted' WHERE id = 1234");
        }
        var (code2, err2, differs) = await KeelProcess.RunAsync(Generous, ["checksum", "--home", home, "--chunk-rows", "500"]);
        output.WriteLine(differs + err2);
        Assert.True(code2 == 1, err2 + differs);
        var line = Assert.Single(differs.Split('\n'), l => l.Contains("content differs", StringComparison.Ordinal));
        Assert.Contains(replica, line, StringComparison.Ordinal);
        Assert.Contains("app.items", line, StringComparison.Ordinal);
        Assert.Contains("1000 < id <= 1500", line, StringComparison.Ordinal);
        Assert.Contains($"1 chunk differs from {primary} on {replica}", differs, StringComparison.Ordinal);

        // The same as JSON, for scripts: exactly that chunk, on that member.
        var (code3, err3, json) = await KeelProcess.RunAsync(Generous, ["checksum", "--home", home, "--chunk-rows", "500", "--tables", "app.items", "--format", "json"]);
        output.WriteLine(json + err3);
        Assert.Equal(1, code3);
        using var doc = JsonDocument.Parse(json);
        var difference = Assert.Single(doc.RootElement.GetProperty("differences").EnumerateArray());
        Assert.Equal(replica, difference.GetProperty("member").GetString());
        Assert.Equal("app.items", difference.GetProperty("table").GetString());
        Assert.Equal(2, difference.GetProperty("chunk").GetInt32());
        // Six full chunks, and the open-ended last one after id 3000 (empty here; it covers rows written after planning).
        Assert.Equal(7, doc.RootElement.GetProperty("chunks").GetInt32());

        cluster.Checked(await checker.FinishAsync("checksum"));
    }
}
