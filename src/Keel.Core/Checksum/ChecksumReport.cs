using System.Globalization;

namespace Keel.Core.Checksum;

/// <summary>One line of the table of differences; <see cref="Chunk"/> is null for a line about the member as a whole.</summary>
public sealed record DifferenceRow(string Member, string Table, int? Chunk, string KeyRange, long? RowsHere, long? RowsPrimary, string Verdict);

public enum ChecksumOutcome
{
    Clean,
    Differs,
    /// <summary>No difference found, but some member could not be checked: the run proves nothing about it.</summary>
    Incomplete,
}

/// <summary>
/// The members' answers for one finished run turned into a table of differences. A member that holds fewer chunk rows
/// than the primary wrote lacks some of the run (filtered or broken replication), which is a difference too.
/// </summary>
public sealed record ChecksumReport(ChecksumRun Run, IReadOnlyList<MemberChecksum> Members, IReadOnlyList<DifferenceRow> Rows, ChecksumOutcome Outcome, string Summary)
{
    public static ChecksumReport Build(ChecksumRun run, IReadOnlyList<MemberChecksum> members)
    {
        var rows = new List<DifferenceRow>();
        var differing = new SortedSet<string>(StringComparer.Ordinal);
        var failed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var m in members.OrderBy(m => m.Member, StringComparer.Ordinal))
        {
            if (m.Error is { } error)
            {
                failed.Add(m.Member);
                rows.Add(new DifferenceRow(m.Member, "", null, "", null, null, $"not checked: {error}"));
                continue;
            }
            foreach (var c in m.Differing.OrderBy(c => c.Db, StringComparer.Ordinal).ThenBy(c => c.Table, StringComparer.Ordinal).ThenBy(c => c.Chunk))
            {
                if (c.Verdict == ChunkVerdict.Same)
                {
                    continue;
                }
                differing.Add(m.Member);
                rows.Add(new DifferenceRow(m.Member, c.QualifiedTable, c.Chunk, c.Range.Describe(), c.Count, c.PrimaryCount, Describe(c.Verdict)));
            }
            if (m.ChunksSeen < run.Chunks)
            {
                differing.Add(m.Member);
                rows.Add(new DifferenceRow(m.Member, "", null, "", null, null,
                    string.Create(CultureInfo.InvariantCulture, $"chunks missing: holds {m.ChunksSeen} of the run's {run.Chunks} (replication filtered or skipped them)")));
            }
        }
        var chunks = rows.Count(r => r.Chunk is not null);
        var scope = $"{Count(run.Chunks, "chunk")} of {Count(run.Tables.Count, "table")}";
        var (outcome, summary) = (differing.Count, failed.Count) switch
        {
            ( > 0, _) => (ChecksumOutcome.Differs, string.Create(CultureInfo.InvariantCulture,
                $"{chunks} chunk{(chunks == 1 ? "" : "s")} differ{(chunks == 1 ? "s" : "")} from {run.Primary} on {string.Join(", ", differing)} (of {scope})")
                + (failed.Count > 0 ? $"; not checked: {string.Join(", ", failed)}" : "")),
            (0, > 0) => (ChecksumOutcome.Incomplete, $"no differences found, but {string.Join(", ", failed)} could not be checked ({scope})"),
            _ => (ChecksumOutcome.Clean, $"no differences in {scope} ({members.Count} member{(members.Count == 1 ? "" : "s")} compared with {run.Primary})"),
        };
        return new ChecksumReport(run, members, rows, outcome, summary);
    }

    /// <summary>0 clean, 1 any difference (a proven divergence outranks an unchecked member), 2 a member not checked.</summary>
    public int ExitCode => Outcome switch
    {
        ChecksumOutcome.Clean => 0,
        ChecksumOutcome.Differs => 1,
        _ => 2,
    };

    /// <summary>"1 table", "3 tables".</summary>
    public static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

    private static string Describe(ChunkVerdict verdict) => verdict switch
    {
        ChunkVerdict.RowCountDiffers => "rows differ",
        ChunkVerdict.ContentDiffers => "content differs",
        ChunkVerdict.NoPrimaryValues => "primary's values never arrived",
        _ => "same",
    };
}
