namespace Keel.Bench.Reports;

/// <summary>One row of a case's figures table. <see cref="Stats"/> is null when no run had a value.</summary>
public sealed record Figure(FigureKind Kind, string Name, FigureUnit Unit, FigureStats? Stats);
