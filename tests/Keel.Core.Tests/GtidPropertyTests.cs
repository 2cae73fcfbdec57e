using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Keel.Core.Gtid;

namespace Keel.Core.Tests;

/// <summary>Property tests over GTID text, which comes from servers and from peers' records: never a crash, and a round trip.</summary>
public class GtidPropertyTests
{
    [Property(MaxTest = 1000)]
    public bool Any_text_is_a_position_or_refused_without_a_crash(NonNull<string> text)
    {
        var ok = GtidPosition.TryParse(text.Get, out var position);
        return ok || position.IsEmpty;
    }

    /// <summary>Position text of up to four GTIDs (domains up to <paramref name="domains"/>, sequence numbers up to <paramref name="sequences"/>).</summary>
    private static Gen<string> PositionText(int domains, int servers, int sequences) =>
        from count in Gen.Choose(0, 4)
        from parts in Gen.ListOf(
            from d in Gen.Choose(0, domains)
            from s in Gen.Choose(1, servers)
            from q in Gen.Choose(0, sequences)
            select $"{d}-{s}-{q}", count)
        select string.Join(",", parts);

    [Property(MaxTest = 500)]
    public Property A_position_written_out_reads_back_the_same() =>
        Prop.ForAll(PositionText(5, 1000, int.MaxValue).ToArbitrary(), text =>
        {
            var position = GtidPosition.Parse(text);
            var again = GtidPosition.Parse(position.ToString());
            return again.ToString() == position.ToString() && again.CompareWith(position) == GtidOrder.Equal;
        });

    [Property(MaxTest = 500)]
    public Property Union_contains_both_sides() =>
        Prop.ForAll(PositionText(3, 3, 100).ToArbitrary(), PositionText(3, 3, 100).ToArbitrary(), (a, b) =>
        {
            var pa = GtidPosition.Parse(a);
            var pb = GtidPosition.Parse(b);
            var u = pa.Union(pb);
            return u.Contains(pa) && u.Contains(pb);
        });
}
