using Keel.Bench;
using Keel.Core.Model;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>Scale 3 -> 5 -> 3 under write load with `keel member add` and `keel member remove`.</summary>
public sealed class MembershipTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Members_added_under_load_clone_themselves_and_stream_and_removed_ones_leave_the_roster_and_haproxy()
    {
        await using var cluster = await PlaygroundCluster.StartAsync(output, ttl: "6s");
        var primary = (await cluster.ViewAsync()).Leader!.Name;
        await using var checker = await WriteChecker.StartAsync(cluster.Bench);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 200);
        string[] home = ["--home", cluster.Layout.Home];

        foreach (var added in new[] { "m4", "m5" })
        {
            var (code, stderr, stdout) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(5), ["member", "add", added, .. home]);
            output.WriteLine(stdout);
            Assert.True(code == 0, stderr + stdout);
            Assert.Contains($"added {added}", stdout, StringComparison.Ordinal);
            Assert.Contains("cloning from", stdout, StringComparison.Ordinal);
            Assert.Contains($"{added} streams from {primary} again", stdout, StringComparison.Ordinal);
        }
        var (dup, dupErr, _) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(1), ["member", "add", "m4", .. home]);
        Assert.Equal(1, dup);
        Assert.Contains("m4 is already a member", dupErr, StringComparison.Ordinal);

        // Each new member has everything the primary had a moment ago (so every acknowledged write), and the same GTIDs.
        var position = (await cluster.RootQueryAsync(primary, "SELECT @@global.gtid_binlog_pos")).Scalar();
        foreach (var added in new[] { "m4", "m5" })
        {
            // Members added after the start are not in the cluster object's spec: read the saved one.
            var member = cluster.Runner.LoadSpec()!.Members.Single(m => m.Name == added);
            var reached = await Keel.MySql.MySqlConnection.OpenAsync(cluster.Runner.Server(member).RootOptions(TimeSpan.FromSeconds(40)));
            await using (reached)
            {
                Assert.Equal("0", (await reached.QueryAsync($"SELECT MASTER_GTID_WAIT('{position}', 30)", timeout: TimeSpan.FromSeconds(40))).Scalar());
            }
        }
        var view = await cluster.ViewAsync();
        Assert.True(view.Members["m4"].SemiSync == true && view.Members["m5"].SemiSync == true, "the new members replicate with semi-sync");

        var (refused, refusal, _) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(1), ["member", "remove", primary, .. home]);
        Assert.Equal(1, refused);
        Assert.Contains("is the primary; switch over first", refusal, StringComparison.Ordinal);
        foreach (var removed in new[] { "m5", "m4" })
        {
            var (code, stderr, stdout) = await KeelProcess.RunAsync(TimeSpan.FromMinutes(2), ["member", "remove", removed, .. home]);
            output.WriteLine(stdout);
            Assert.True(code == 0, stderr + stdout);
            Assert.Contains($"removed {removed} from etcd's roster and from HAProxy", stdout, StringComparison.Ordinal);
        }
        view = await cluster.ViewAsync();
        Assert.DoesNotContain("m4", view.Roster ?? []);
        Assert.DoesNotContain("m5", view.Members.Keys);
        Assert.DoesNotContain("m4", await File.ReadAllTextAsync(cluster.Layout.HaproxyConfig), StringComparison.Ordinal);

        await cluster.WaitForHealthyAsync(Generous);
        await checker.WaitForMoreWritesAsync(checker.Acknowledged + 300);
        var report = cluster.Checked(await checker.FinishAsync("scale 3 -> 5 -> 3"));
        output.WriteLine($"{report.FailedWrites} failed writes through the read-write endpoint while scaling");
        Assert.Equal(primary, (await cluster.ViewAsync()).Leader!.Name);
    }
}
