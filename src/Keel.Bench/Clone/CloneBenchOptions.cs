namespace Keel.Bench.Clone;

/// <summary>
/// `keel bench clone`: the dataset (sysbench tables of <see cref="RowsPerTable"/> rows, enough of them for
/// <see cref="SizeGb"/>), how many times each copy is timed, and how long the TPS phases last (null: 90 % of the
/// median stream time, so that the load overlaps the clone).
/// </summary>
public sealed record CloneBenchOptions(double SizeGb, int Repetitions, TimeSpan? TpsPhase, bool MemberAdd)
{
    public const int RowsPerTable = 1_000_000;

    /// <summary>About what one sysbench table of a million rows takes on disk (InnoDB, with its secondary index).</summary>
    public const double GbPerTable = 0.24;

    public int Tables => Math.Max(1, (int)Math.Ceiling(SizeGb / GbPerTable));
}
