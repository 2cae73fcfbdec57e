using Keel.MySql;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Elections when what a member holds is unknown: "unknown is not no", against real servers.</summary>
public sealed class ElectionSafetyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Replica A alone acknowledges commits (B's IO thread is stopped, A's SQL thread too, so they sit in A's relay log),
    /// then A's server and the primary's server die. B must not be promoted while A is down, and A, restarted, must
    /// recover the commits from its relay log (MariaDB discards it at the next START SLAVE) before anyone is chosen.
    /// </summary>
    [Fact]
    public async Task A_crashed_replica_that_alone_acknowledged_commits_is_waited_for_and_recovers_them_from_its_relay_log()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var primary = (await cluster.ViewAsync()).Leader!.Name;
        var (a, b) = (cluster.Spec.Members.Select(m => m.Name).First(n => n != primary), cluster.Spec.Members.Select(m => m.Name).Last(n => n != primary));

        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await rw.QueryAsync("CREATE TABLE double_fault (id INT PRIMARY KEY)");
            await rw.QueryAsync("INSERT INTO double_fault VALUES (0)");
        }
        await cluster.WaitForHealthyAsync(Generous);

        // Maintenance mode keeps the agents from restarting replication (or servers) while the fault is set up.
        await cluster.Store.SetPausedAsync(true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.RootQueryAsync(b, "STOP SLAVE IO_THREAD");
        await cluster.RootQueryAsync(a, "STOP SLAVE SQL_THREAD");

        var acknowledged = new List<int>();
        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            for (var id = 1; id <= 10; id++)
            {
                await rw.QueryAsync($"INSERT INTO double_fault VALUES ({id})", timeout: TimeSpan.FromSeconds(20));
                acknowledged.Add(id);
            }
        }
        output.WriteLine($"acknowledged by {a} alone: {string.Join(",", acknowledged)}");

        cluster.Server(a).Kill();
        cluster.Server(primary).Kill();
        await cluster.Store.SetPausedAsync(false, CancellationToken.None);

        var next = await PlaygroundCluster.EventuallyAsync(async () =>
        {
            var v = await cluster.ViewAsync();
            return v.Leader is { } l && l.Name != primary && v.Members.TryGetValue(l.Name, out var m) && m.ReadOnly == false ? l.Name : null;
        }, Generous, "a new writable primary");
        output.WriteLine($"new primary: {next}");

        await using (var rw = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            var rows = await rw.QueryAsync("SELECT id FROM double_fault WHERE id > 0 ORDER BY id");
            Assert.Equal(acknowledged.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Rows.Select(r => r[0]));
        }
        Assert.Contains("left in the relay log by the crash", cluster.AgentLog(a), StringComparison.Ordinal);

        // Everyone converges on the new primary with every acknowledged row and no errant transaction.
        await cluster.WaitForHealthyAsync(Generous);
        foreach (var member in cluster.Spec.Members.Select(m => m.Name))
        {
            var count = await PlaygroundCluster.EventuallyAsync(async () =>
            {
                var c = (await cluster.RootQueryAsync(member, "SELECT COUNT(*) FROM app.double_fault WHERE id > 0")).Scalar();
                return c == "10" ? c : null;
            }, Generous, $"every acknowledged row on {member}");
            Assert.Equal("10", count);
        }
    }
}
