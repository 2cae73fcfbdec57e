namespace Keel.Bench.Reports;

/// <summary>Event times counted into fixed-width buckets (100 ms on the timeline).</summary>
internal static class TimelineBuckets
{
    public const double Width = 0.1;

    /// <summary>The bucket a time falls in. The epsilon is there because 2.3 / 0.1 is 22.999999999999996.</summary>
    public static long IndexOf(double seconds) => (long)Math.Floor((seconds / Width) + 1e-9);

    /// <summary>Non-empty buckets only: bucket index → number of events in it.</summary>
    public static SortedDictionary<long, int> Count(IEnumerable<double> times)
    {
        var counts = new SortedDictionary<long, int>();
        foreach (var t in times.Where(double.IsFinite))
        {
            var i = IndexOf(t);
            counts[i] = counts.GetValueOrDefault(i) + 1;
        }
        return counts;
    }
}
