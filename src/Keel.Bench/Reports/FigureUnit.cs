namespace Keel.Bench.Reports;

/// <summary>What a figure is measured in; decides how it is printed.</summary>
public enum FigureUnit
{
    Seconds,
    Milliseconds,
    Tps,
    Count,
}
