using System.Globalization;

namespace Keel.Bench.Reports;

/// <summary>
/// The SVG file name of every run, shared by <see cref="ReportFiles"/> (which writes them) and
/// <see cref="MarkdownReport"/> (which links them), so the links cannot drift from the files.
/// </summary>
public static class TimelineFiles
{
    /// <summary>
    /// One name per run, parallel to <see cref="BenchReport.Runs"/>: <c>timeline-&lt;case-slug&gt;-&lt;rep&gt;.svg</c>.
    /// Two runs that would share a name (same case under two loads, or two case names with one slug) get the
    /// load slug and then a counter appended, because silently overwriting a timeline would hide a run.
    /// </summary>
    public static IReadOnlyList<string> Names(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rep = (FaultRun r) => r.Repetition.ToString(CultureInfo.InvariantCulture);
        var plain = report.Runs.Select(r => $"timeline-{Slug.Of(r.Case)}-{rep(r)}").ToArray();
        var clashing = plain.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

        var used = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[plain.Length];
        for (var i = 0; i < plain.Length; i++)
        {
            var run = report.Runs[i];
            var stem = clashing.Contains(plain[i]) ? $"timeline-{Slug.Of(run.Case)}-{Slug.Of(run.Load)}-{rep(run)}" : plain[i];
            var name = stem;
            for (var n = 2; !used.Add(name); n++)
                name = $"{stem}-{n.ToString(CultureInfo.InvariantCulture)}";
            names[i] = name + ".svg";
        }
        return names;
    }
}
