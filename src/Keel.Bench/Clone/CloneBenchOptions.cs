namespace Keel.Bench.Clone;

/// <summary>
/// `keel bench clone`: the dataset (sysbench tables of <see cref="BenchDataset.RowsPerTable"/> rows, enough of them for
/// <see cref="SizeGb"/>), how many times each copy is timed, and how long the TPS phases last (null: 90 % of the
/// median stream time, so that the load overlaps the clone).
/// </summary>
public sealed record CloneBenchOptions(double SizeGb, int Repetitions, TimeSpan? TpsPhase, bool MemberAdd)
{
    public int Tables => BenchDataset.TablesFor(SizeGb);
}
