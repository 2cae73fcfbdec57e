using Keel.Core.Clone;

namespace Keel.Core.Tests;

/// <summary>Which old datadirs Keel removes: only on an operator's purge or under clone.keep_old_copies, never others.</summary>
public sealed class OldCopiesTests
{
    private const string Data = "/var/lib/keel/m2/data";

    private static OldCopy Copy(string suffix, string time) =>
        new($"{Data}{suffix}{time}", DateTimeOffset.ParseExact(time, "yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal));

    private static readonly OldCopy A = Copy(".reinit-", "20261201-100000");
    private static readonly OldCopy B = Copy(".before-clone-", "20261202-100000");
    private static readonly OldCopy C = Copy(".reinit-", "20261203-100000");

    public sealed record Row(string Name, IReadOnlyList<OldCopy> Copies, int? Keep, bool Purge, string? JustMoved, IReadOnlyList<OldCopy> Removed, string ReasonPart)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Row> Rows() =>
    [
        new("by default every old datadir is kept", [A, B, C], null, false, null, [], "every old datadir is kept"),
        new("keep 2 removes the oldest", [A, B, C], 2, false, null, [A], "keeps the newest 2"),
        new("keep 0 removes every old copy", [A, B, C], 0, false, null, [A, B, C], "keeps the newest 0"),
        new("keep more than there are removes none", [A, B], 5, false, null, [], "no more than 5"),
        new("keep counts the copy just moved aside among the newest", [A, B, C], 2, false, C.Path, [A], "keeps the newest 2"),
        new("purge removes all but the copy this re-clone moved aside", [A, B, C], null, true, C.Path, [A, B], $"{C.Path}, moved aside by this re-clone, is kept"),
        new("purge wins over keep", [A, B, C], 3, true, C.Path, [A, B], "asked to purge"),
        new("purge with nothing else to remove", [C], null, true, C.Path, [], "no old datadir to purge"),
        new("no copies, nothing to do", [], 1, false, null, [], "no more than 1"),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decides(Row row)
    {
        var (remove, reason) = OldCopies.ToRemove(row.Copies, row.Keep, row.Purge, row.JustMoved);
        Assert.Equal(row.Removed, remove);
        Assert.Contains(row.ReasonPart, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_datadirs_Keel_moved_aside_are_found_oldest_first()
    {
        var siblings = new[]
        {
            C.Path, A.Path, B.Path,
            Data + ".clone",                       // Keel's own unfinished copy: handled by the clone itself
            Data + ".reinit-yesterday",            // no valid time: not Keel's naming, never touched
            "/var/lib/keel/m2/data2.reinit-20261201-100000", // another datadir's copy
            "/var/lib/keel/m2/run",
        };

        Assert.Equal([A, B, C], OldCopies.Find(Data + "/", siblings));
    }

    [Fact]
    public void The_aside_name_carries_the_time_in_utc_and_is_found_again()
    {
        var at = new DateTimeOffset(2026, 12, 7, 5, 6, 7, TimeSpan.FromHours(2));
        var path = OldCopies.AsidePath(Data, ".reinit-", at);

        Assert.Equal(Data + ".reinit-20261207-030607", path);
        Assert.Equal(at, OldCopies.Find(Data, [path]).Single().MovedAt);
    }
}
