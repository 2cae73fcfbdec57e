using Keel.Core.Checksum;

namespace Keel.Core.Tests;

/// <summary>The members' answers turned into a table of differences, a summary and an exit code.</summary>
public sealed class ChecksumReportTests
{
    private static readonly ChecksumRun Run = new("r1", "m1", ChecksumRunState.Done, ["app.acked", "app.t"], 2, 5, null, "0-1-100", [], null);

    private static ChunkResult Chunk(int chunk, long count, string crc, long? primaryCount, string? primaryCrc, string table = "t") =>
        new("app", table, chunk, ChunkRange.ByKey("id", chunk == 0 ? null : $"{chunk * 1000}", $"{(chunk + 1) * 1000}"), count, crc, primaryCount, primaryCrc);

    private static MemberChecksum Clean(string member) => new(member, "0-1-100", 5, []);

    public sealed record Row(string Name, IReadOnlyList<MemberChecksum> Members, ChecksumOutcome Outcome, int ExitCode, string SummaryPart, IReadOnlyList<string> RowTexts)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Row> Rows() =>
    [
        new("every member the same", [Clean("m2"), Clean("m3")], ChecksumOutcome.Clean, 0,
            "no differences in 5 chunks of 2 tables (2 members compared with m1)", []),
        new("a changed row: same count, other crc", [Clean("m2"), Clean("m3") with { Differing = [Chunk(1, 1000, "abc", 1000, "abd")] }], ChecksumOutcome.Differs, 1,
            "1 chunk differs from m1 on m3 (of 5 chunks of 2 tables)", ["m3 app.t 1 1000 < id <= 2000 1000/1000 content differs"]),
        new("a missing row: counts differ", [Clean("m2") with { Differing = [Chunk(0, 999, "abc", 1000, "abd", "acked")] }], ChecksumOutcome.Differs, 1,
            "1 chunk differs from m1 on m2", ["m2 app.acked 0 id <= 1000 999/1000 rows differ"]),
        new("crc compared without regard to case", [Clean("m2") with { Differing = [Chunk(0, 10, "ABC", 10, "abc")] }], ChecksumOutcome.Clean, 0,
            "no differences in 5 chunks", []),
        new("the primary's values never arrived", [Clean("m2") with { Differing = [Chunk(2, 10, "abc", null, null)] }], ChecksumOutcome.Differs, 1,
            "1 chunk differs", ["m2 app.t 2 2000 < id <= 3000 10/- primary's values never arrived"]),
        new("chunks missing on a member", [Clean("m2") with { ChunksSeen = 3 }], ChecksumOutcome.Differs, 1,
            "0 chunks differ from m1 on m2", ["m2  - - -/- chunks missing: holds 3 of the run's 5 (replication filtered or skipped them)"]),
        new("differences on two members, sorted by member, table and chunk",
            [Clean("m3") with { Differing = [Chunk(2, 1, "a", 1, "b"), Chunk(0, 1, "a", 1, "b")] }, Clean("m2") with { Differing = [Chunk(1, 1, "a", 2, "b", "acked")] }],
            ChecksumOutcome.Differs, 1, "3 chunks differ from m1 on m2, m3",
            ["m2 app.acked 1 1000 < id <= 2000 1/2 rows differ", "m3 app.t 0 id <= 1000 1/1 content differs", "m3 app.t 2 2000 < id <= 3000 1/1 content differs"]),
        new("a member not checked, no difference elsewhere", [Clean("m2"), MemberChecksum.Failed("m3", "did not reach 0-1-100 within 60 s")], ChecksumOutcome.Incomplete, 2,
            "no differences found, but m3 could not be checked", ["m3  - - -/- not checked: did not reach 0-1-100 within 60 s"]),
        new("a difference outranks a member not checked",
            [Clean("m2") with { Differing = [Chunk(0, 1, "a", 1, "b")] }, MemberChecksum.Failed("m3", "agent unreachable")], ChecksumOutcome.Differs, 1,
            "1 chunk differs from m1 on m2 (of 5 chunks of 2 tables); not checked: m3", ["m2 app.t 0 id <= 1000 1/1 content differs", "m3  - - -/- not checked: agent unreachable"]),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Reports(Row row)
    {
        var report = ChecksumReport.Build(Run, row.Members);
        Assert.Equal(row.Outcome, report.Outcome);
        Assert.Equal(row.ExitCode, report.ExitCode);
        Assert.Contains(row.SummaryPart, report.Summary, StringComparison.Ordinal);
        Assert.Equal(row.RowTexts, report.Rows.Select(r =>
            $"{r.Member} {r.Table} {r.Chunk?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {(r.KeyRange.Length > 0 ? r.KeyRange : "-")} {r.RowsHere?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}/{r.RowsPrimary?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {r.Verdict}"));
    }

    [Fact]
    public void A_run_of_one_table_and_one_chunk_says_so_in_the_singular()
    {
        var report = ChecksumReport.Build(Run with { Tables = ["app.t"], Chunks = 1 }, [Clean("m2") with { ChunksSeen = 1 }]);
        Assert.Equal("no differences in 1 chunk of 1 table (1 member compared with m1)", report.Summary);
    }
}
