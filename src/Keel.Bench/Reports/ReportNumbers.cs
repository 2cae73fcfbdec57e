using System.Globalization;

namespace Keel.Bench.Reports;

/// <summary>
/// How numbers are printed in every report: invariant culture always, so a report written on a German
/// machine diffs cleanly against one written in CI.
/// </summary>
public static class ReportNumbers
{
    /// <summary>Seconds to the hundredth: failover times of interest are tenths of a second apart.</summary>
    public static string Seconds(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Milliseconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Tps(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>Counts are whole, but the median of an even number of them may end in .5.</summary>
    public static string Count(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string In(FigureUnit unit, double value) => unit switch
    {
        FigureUnit.Seconds => Seconds(value),
        FigureUnit.Milliseconds => Milliseconds(value),
        FigureUnit.Tps => Tps(value),
        FigureUnit.Count => Count(value),
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };

    /// <summary>The unit as a table heading suffix; counts need none.</summary>
    public static string Suffix(FigureUnit unit) => unit switch
    {
        FigureUnit.Seconds => " (s)",
        FigureUnit.Milliseconds => " (ms)",
        FigureUnit.Tps => " (TPS)",
        FigureUnit.Count => "",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };
}
