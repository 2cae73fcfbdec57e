namespace Keel.Bench.Reports;

/// <summary>All figures of one fault case, one row per <see cref="FigureKind"/> in declaration order.</summary>
public sealed record CaseFigures(string Case, int Runs, IReadOnlyList<Figure> Figures)
{
    /// <summary>The row for one figure; every kind has a row, possibly without stats.</summary>
    public Figure Of(FigureKind kind) => Figures.First(f => f.Kind == kind);
}
