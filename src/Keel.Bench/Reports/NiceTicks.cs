namespace Keel.Bench.Reports;

/// <summary>Axis tick spacing a person can read: 1, 2 or 5 times a power of ten.</summary>
internal static class NiceTicks
{
    /// <summary>The smallest nice step that splits <paramref name="range"/> into at most <paramref name="maxTicks"/> parts.</summary>
    public static double Step(double range, int maxTicks)
    {
        if (!(range > 0) || maxTicks < 1)
            return 1;
        var raw = range / maxTicks;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1.0, 2.0, 5.0 })
        {
            if (m * magnitude >= raw * (1 - 1e-9))
                return m * magnitude;
        }
        return 10 * magnitude;
    }

    /// <summary>Tick positions from the first multiple of step at or after from, to at most to.</summary>
    public static IEnumerable<double> Between(double from, double to, double step)
    {
        // Multiply from an integer index instead of adding: repeated += 0.1 drifts to 0.30000000000000004.
        var first = (long)Math.Ceiling((from / step) - 1e-9);
        for (var i = first; i * step <= to + (step * 1e-9); i++)
            yield return Math.Round(i * step, 9);
    }
}
