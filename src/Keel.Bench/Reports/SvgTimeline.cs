using System.Globalization;
using System.Text;
using static Keel.Bench.Reports.SvgText;

namespace Keel.Bench.Reports;

/// <summary>
/// One run drawn as a standalone SVG: acknowledged writes per 100 ms upwards in green, failed attempts per
/// 100 ms downwards in red, the fault and every agent decision as labelled vertical lines. The picture makes the
/// gap between "fault" and "writes resume" obvious, and which decision ended it.
/// </summary>
public static class SvgTimeline
{
    private const double Left = 70;
    private const double RightMargin = 30;
    private const double LaneTop = 84;
    private const double LaneHeight = 15;
    private const double UpperHeight = 220; // acknowledged writes: the main story, so the larger half
    private const double LowerHeight = 100; // failed attempts, on their own scale so a handful stay visible
    private const double FontSize = 11;
    private const double CharWidth = 6.3; // average advance of an 11 px sans-serif glyph, for label layout

    private const string AckColour = "#2e9d42";
    private const string ErrorColour = "#d62728";
    private const string FaultColour = "#b00000";
    private const string MarkColour = "#555555";

    private sealed record Item(double At, string Label, bool IsFault);

    public static string Write(FaultRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var timeline = run.Timeline;
        var acks = TimelineBuckets.Count(timeline.AckTimes);
        var errors = TimelineBuckets.Count(timeline.ErrorTimes);

        var items = new List<Item> { new(timeline.FaultAtSeconds, "fault", true) };
        items.AddRange(timeline.Marks.Select(m => new Item(m.AtSeconds, m.Label, false)));
        items.RemoveAll(i => !double.IsFinite(i.At));

        // x range: from the load start (or anything earlier) to one bucket past the last thing to draw.
        var allTimes = timeline.AckTimes.Concat(timeline.ErrorTimes).Concat(items.Select(i => i.At))
            .Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var start = Math.Min(0, TimelineBuckets.IndexOf(allTimes.Min()) * TimelineBuckets.Width);
        var end = Math.Max(start + 1, (TimelineBuckets.IndexOf(allTimes.Max()) + 1) * TimelineBuckets.Width);
        var range = end - start;
        var buckets = (int)Math.Ceiling((range / TimelineBuckets.Width) - 1e-9);
        // Wide enough for ~3 px per bucket on long runs, but not a poster: past 3600 px a bar may be thin.
        var plotWidth = Math.Clamp(buckets * 3.0, 900, 3600);
        var width = Left + plotWidth + RightMargin;
        double X(double t) => Left + ((t - start) / range * plotWidth);

        // Label lanes first: how many there are decides where the plot starts.
        var extents = items.Select(i =>
        {
            var x = X(i.At);
            var w = (i.Label.Length * CharWidth) + 3;
            return x + w <= width - 4 ? new MarkLanes.Extent(x, x + w) : new MarkLanes.Extent(x - w, x);
        }).ToArray();
        var lanes = MarkLanes.Assign(extents, gap: 8);
        var laneCount = lanes.DefaultIfEmpty(0).Max() + 1;
        var plotTop = LaneTop + (laneCount * LaneHeight) + 6;
        var zeroY = plotTop + UpperHeight;
        var plotBottom = zeroY + LowerHeight;
        var height = plotBottom + 50;

        var ackScale = Scale(acks.Values.DefaultIfEmpty(0).Max());
        var errorScale = Scale(errors.Values.DefaultIfEmpty(0).Max());
        double AckY(double c) => zeroY - (c / ackScale.Top * UpperHeight);
        double ErrorY(double c) => zeroY + (c / errorScale.Top * LowerHeight);

        var svg = new StringBuilder();
        svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"{N(FontSize)}\">\n");
        var title = string.Create(CultureInfo.InvariantCulture, $"{run.Case} — repetition {run.Repetition}");
        svg.Append($"<title>{Escape(title)}</title>\n");
        svg.Append($"<rect x=\"0\" y=\"0\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"#ffffff\"/>\n");

        // Title, a one-line summary, and the legend.
        svg.Append($"<text x=\"{N(Left)}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{Escape(title)}</text>\n");
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"load: {run.Load} · {timeline.AckTimes.Count} acknowledged writes · {timeline.ErrorTimes.Count} failed attempts · fault at {ReportNumbers.Seconds(timeline.FaultAtSeconds)} s");
        svg.Append($"<text x=\"{N(Left)}\" y=\"44\" fill=\"#444444\">{Escape(summary)}</text>\n");
        Legend(svg, 64);

        // Grid and y-axis ticks.
        foreach (var c in NiceTicks.Between(0, ackScale.Top, ackScale.Step))
            YTick(svg, AckY(c), c, Left + plotWidth);
        foreach (var c in NiceTicks.Between(errorScale.Step, errorScale.Top, errorScale.Step))
            YTick(svg, ErrorY(c), c, Left + plotWidth);
        var xStep = NiceTicks.Step(range, Math.Max(2, (int)(plotWidth / 90)));
        foreach (var t in NiceTicks.Between(start, end, xStep))
        {
            var x = X(t);
            svg.Append($"<line x1=\"{N(x)}\" y1=\"{N(plotTop)}\" x2=\"{N(x)}\" y2=\"{N(plotBottom)}\" stroke=\"#eeeeee\"/>\n");
            svg.Append($"<line x1=\"{N(x)}\" y1=\"{N(plotBottom)}\" x2=\"{N(x)}\" y2=\"{N(plotBottom + 4)}\" stroke=\"#333333\"/>\n");
            var label = t.ToString(xStep < 1 ? "0.0" : "0", CultureInfo.InvariantCulture);
            svg.Append($"<text x=\"{N(x)}\" y=\"{N(plotBottom + 16)}\" text-anchor=\"middle\">{label}</text>\n");
        }

        // Bars: one per non-empty 100 ms bucket.
        var bucketPx = TimelineBuckets.Width / range * plotWidth;
        var barWidth = Math.Max(0.5, bucketPx >= 3 ? bucketPx - 1 : bucketPx);
        foreach (var (bucket, count) in acks)
            Bar(svg, "ack", AckColour, X(bucket * TimelineBuckets.Width), AckY(count), barWidth, zeroY - AckY(count), bucket, count, "acknowledged");
        foreach (var (bucket, count) in errors)
            Bar(svg, "error", ErrorColour, X(bucket * TimelineBuckets.Width), zeroY, barWidth, ErrorY(count) - zeroY, bucket, count, "failed");

        // Axes on top of the bars.
        svg.Append($"<line x1=\"{N(Left)}\" y1=\"{N(plotTop)}\" x2=\"{N(Left)}\" y2=\"{N(plotBottom)}\" stroke=\"#333333\"/>\n");
        svg.Append($"<line x1=\"{N(Left)}\" y1=\"{N(zeroY)}\" x2=\"{N(Left + plotWidth)}\" y2=\"{N(zeroY)}\" stroke=\"#333333\"/>\n");
        svg.Append($"<line x1=\"{N(Left)}\" y1=\"{N(plotBottom)}\" x2=\"{N(Left + plotWidth)}\" y2=\"{N(plotBottom)}\" stroke=\"#bbbbbb\"/>\n");
        svg.Append($"<text x=\"{N(Left + (plotWidth / 2))}\" y=\"{N(plotBottom + 36)}\" text-anchor=\"middle\" fill=\"#444444\">seconds since the load started</text>\n");
        AxisCaption(svg, plotTop + (UpperHeight / 2), "acknowledged / 100 ms", AckColour);
        AxisCaption(svg, zeroY + (LowerHeight / 2), "failed / 100 ms", ErrorColour);

        // Marks: lines first, then every label, so no line is drawn over a label.
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var x = X(item.At);
            var labelY = plotTop - 6 - (lanes[i] * LaneHeight);
            var (colour, stroke, dash) = item.IsFault ? (FaultColour, "1.5", " stroke-dasharray=\"5 3\"") : (MarkColour, "0.8", "");
            svg.Append($"<line class=\"{(item.IsFault ? "fault" : "mark")}\" x1=\"{N(x)}\" y1=\"{N(labelY - 9)}\" x2=\"{N(x)}\" y2=\"{N(plotBottom)}\" stroke=\"{colour}\" stroke-width=\"{stroke}\"{dash}/>\n");
        }
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var x = X(item.At);
            var labelY = plotTop - 6 - (lanes[i] * LaneHeight);
            var toTheLeft = extents[i].Right <= x;
            var colour = item.IsFault ? FaultColour : MarkColour;
            var tooltip = string.Create(CultureInfo.InvariantCulture, $"{item.Label} at {ReportNumbers.Seconds(item.At)} s");
            svg.Append($"<text class=\"mark-label\" x=\"{N(toTheLeft ? x - 3 : x + 3)}\" y=\"{N(labelY)}\" text-anchor=\"{(toTheLeft ? "end" : "start")}\" fill=\"{colour}\"{(item.IsFault ? " font-weight=\"bold\"" : "")} stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"><title>{Escape(tooltip)}</title>{Escape(item.Label)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private readonly record struct AxisScale(double Step, double Top);

    /// <summary>A count axis: whole-number steps, topped at the next step above the largest bucket.</summary>
    private static AxisScale Scale(int max)
    {
        var step = Math.Max(1, NiceTicks.Step(Math.Max(1, max), 4));
        return new AxisScale(step, Math.Max(step, Math.Ceiling(max / step) * step));
    }

    private static void YTick(StringBuilder svg, double y, double count, double right)
    {
        svg.Append($"<line x1=\"{N(Left)}\" y1=\"{N(y)}\" x2=\"{N(right)}\" y2=\"{N(y)}\" stroke=\"#eeeeee\"/>\n");
        svg.Append($"<line x1=\"{N(Left - 4)}\" y1=\"{N(y)}\" x2=\"{N(Left)}\" y2=\"{N(y)}\" stroke=\"#333333\"/>\n");
        svg.Append($"<text x=\"{N(Left - 7)}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{N(count)}</text>\n");
    }

    private static void Bar(StringBuilder svg, string cls, string colour, double x, double y, double w, double h, long bucket, int count, string what)
    {
        var from = bucket * TimelineBuckets.Width;
        var tooltip = string.Create(CultureInfo.InvariantCulture,
            $"{from:0.0}–{from + TimelineBuckets.Width:0.0} s: {count} {what}");
        svg.Append($"<rect class=\"{cls}\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(Math.Max(h, 0.5))}\" fill=\"{colour}\"><title>{tooltip}</title></rect>\n");
    }

    private static void AxisCaption(StringBuilder svg, double centreY, string text, string colour) =>
        svg.Append($"<text x=\"16\" y=\"{N(centreY)}\" transform=\"rotate(-90 16 {N(centreY)})\" text-anchor=\"middle\" fill=\"{colour}\">{text}</text>\n");

    private static void Legend(StringBuilder svg, double y)
    {
        var x = Left;
        svg.Append($"<rect x=\"{N(x)}\" y=\"{N(y - 9)}\" width=\"10\" height=\"10\" fill=\"{AckColour}\"/>");
        svg.Append($"<text x=\"{N(x + 14)}\" y=\"{N(y)}\">acknowledged writes per 100 ms</text>\n");
        x += 210;
        svg.Append($"<rect x=\"{N(x)}\" y=\"{N(y - 9)}\" width=\"10\" height=\"10\" fill=\"{ErrorColour}\"/>");
        svg.Append($"<text x=\"{N(x + 14)}\" y=\"{N(y)}\">failed attempts per 100 ms (downwards)</text>\n");
        x += 260;
        svg.Append($"<line x1=\"{N(x)}\" y1=\"{N(y - 10)}\" x2=\"{N(x)}\" y2=\"{N(y + 1)}\" stroke=\"{FaultColour}\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>");
        svg.Append($"<text x=\"{N(x + 6)}\" y=\"{N(y)}\">fault</text>\n");
        x += 50;
        svg.Append($"<line x1=\"{N(x)}\" y1=\"{N(y - 10)}\" x2=\"{N(x)}\" y2=\"{N(y + 1)}\" stroke=\"{MarkColour}\" stroke-width=\"0.8\"/>");
        svg.Append($"<text x=\"{N(x + 6)}\" y=\"{N(y)}\">agent decision</text>\n");
    }
}
