using Keel.Core.Decisions;
using Keel.Core.Model;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

public class CandidateRankingTests
{
    [Fact]
    public void Ranking_orders_by_received_then_priority_then_name_and_drops_the_ineligible()
    {
        var members = new[]
        {
            Member("m1", Replica("m9", received: "0-1-10", io: false)),
            Member("m2", Replica("m9", received: "0-1-12", io: false)),
            Member("m3", Replica("m9", received: "0-1-10", io: false), tags: new MemberTags(Priority: 300)),
            Member("m4", Replica("m9", received: "0-1-50", io: false), tags: new MemberTags(NoFailover: true)),
            Member("m5", Replica("m9", received: "0-1-60", io: true)),
            Member("m6", Primary("0-1-70")),
            Member("m7", LocalServer.Stopped()),
            Member("m8", Replica("m9", received: "0-1-10", io: false)),
        };
        var order = CandidateRanking.Rank(members).Select(m => m.Name);
        Assert.Equal(["m2", "m3", "m1", "m8"], order);
    }

    [Fact]
    public void The_former_primary_whose_server_never_went_down_wins_a_tie_on_received_transactions()
    {
        var members = new[]
        {
            Member("m1", Replica("m9", received: "0-2-20", io: false), tags: new MemberTags(Priority: 300)),
            Member("m2", Replica("m9", received: "0-2-20", io: false)) with { PrimaryServerIntact = true },
            Member("m3", Replica("m9", received: "0-2-21", io: false)),
        };
        Assert.Equal(["m3", "m2", "m1"], CandidateRanking.Rank(members, formerPrimary: "m2").Select(m => m.Name));
        Assert.Equal(["m3", "m1", "m2"], CandidateRanking.Rank(members).Select(m => m.Name));
        // A former primary whose server crashed and restarted gets no preference: a crash still fails over.
        var restarted = members.Select(m => m with { PrimaryServerIntact = false });
        Assert.Equal(["m3", "m1", "m2"], CandidateRanking.Rank(restarted, formerPrimary: "m2").Select(m => m.Name));
        // ... even when its name (or priority) comes first: at equal data it goes last.
        Assert.Equal(["m3", "m2", "m1"], CandidateRanking.Rank(restarted, formerPrimary: "m1").Select(m => m.Name));
    }
}
