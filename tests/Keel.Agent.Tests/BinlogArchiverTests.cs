using System.Collections.Immutable;
using Keel.Agent.Backup.Archive;
using Keel.Core.Model;

namespace Keel.Agent.Tests;

public class BinlogArchiverTests
{
    private static ClusterView View(string? leader, params string[] up) =>
        new("m1", leader is null ? null : new LeaderRecord(leader, 7, 3),
            up.ToImmutableDictionary(n => n, n => new MemberState { Name = n, Host = "127.0.0.1", Port = 3300, ApiUrl = "" }));

    [Theory]
    [InlineData("m1", "m2", true)]                      // a replica's agent archives
    [InlineData("m2", "m2", false)]                     // the primary's agent leaves it to a replica's...
    [InlineData("m2", "m2", true, "m2")]                // ...unless no other member's agent is up
    [InlineData(null, "m2", true)]                      // nobody leads: any agent may hold the lock (it streams once a primary exists)
    public void A_replicas_agent_holds_the_archiver_lock_and_the_primarys_only_when_alone(string? leader, string self, bool holds, params string[] up)
    {
        var members = up.Length > 0 ? up : ["m1", "m2", "m3"];
        Assert.Equal(holds, BinlogArchiver.ShouldHold(View(leader, members), self));
    }

    [Fact]
    public void Only_numbered_binlog_names_are_read_as_archived_files()
    {
        Assert.True(BinlogArchive.IsBinlogName("mysql-bin.000012"));
        Assert.False(BinlogArchive.IsBinlogName("mysql-bin.index"));
        Assert.False(BinlogArchive.IsBinlogName("mysql-bin."));
        Assert.False(BinlogArchive.IsBinlogName("notes"));
    }
}
