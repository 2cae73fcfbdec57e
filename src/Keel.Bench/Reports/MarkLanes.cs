namespace Keel.Bench.Reports;

/// <summary>
/// Puts timeline labels into stacked lanes so that labels of marks close in time do not print over each
/// other. Labels stay horizontal (rotated text is hard to read); lane 0 is the one nearest the plot.
/// </summary>
internal static class MarkLanes
{
    /// <summary>A label's horizontal extent in pixels.</summary>
    public readonly record struct Extent(double Left, double Right);

    /// <summary>Assigns each extent (in order of x) the lowest lane where it clears what is already there.</summary>
    public static int[] Assign(IReadOnlyList<Extent> extents, double gap)
    {
        var lanes = new List<double>(); // right edge of the last label in each lane
        var result = new int[extents.Count];
        foreach (var i in Enumerable.Range(0, extents.Count).OrderBy(i => extents[i].Left))
        {
            var lane = lanes.FindIndex(right => right + gap <= extents[i].Left);
            if (lane < 0)
            {
                lanes.Add(double.NegativeInfinity);
                lane = lanes.Count - 1;
            }
            lanes[lane] = extents[i].Right;
            result[i] = lane;
        }
        return result;
    }
}
