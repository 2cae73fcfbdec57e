namespace Keel.Bench.Reports;

/// <summary>
/// The spread of one figure over the runs that had a value for it. <see cref="Count"/> is how many runs
/// contributed, so a reader can tell "median of 5" from "median of the 2 runs that got that far".
/// </summary>
public sealed record FigureStats(int Count, double Min, double Median, double P95, double Max);
