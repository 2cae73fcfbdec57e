using System.Text;

namespace Keel.Bench.Reports;

/// <summary>Writes a whole report directory: report.md, report.json and one timeline SVG per run.</summary>
public static class ReportFiles
{
    // No BOM: some Markdown renderers print it, and JSON parsers may reject it.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Creates <paramref name="dir"/> if needed, overwrites files of the same name, returns every path written.</summary>
    public static IReadOnlyList<string> WriteAll(BenchReport report, string dir)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        Directory.CreateDirectory(dir);

        var paths = new List<string>();
        void Put(string name, string content)
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, content, Utf8);
            paths.Add(path);
        }

        Put("report.md", MarkdownReport.Write(report));
        Put("report.json", JsonReport.Write(report));
        var names = TimelineFiles.Names(report);
        for (var i = 0; i < report.Runs.Count; i++)
            Put(names[i], SvgTimeline.Write(report.Runs[i]));
        return paths;
    }

    /// <summary>report.md and report.json of a benchmark without timelines (clone, backup, restore).</summary>
    public static IReadOnlyList<string> WriteMarkdownAndJson(string dir, string markdown, string json)
    {
        Directory.CreateDirectory(dir);
        var md = Path.Combine(dir, "report.md");
        var js = Path.Combine(dir, "report.json");
        File.WriteAllText(md, markdown, Utf8);
        File.WriteAllText(js, json, Utf8);
        return [md, js];
    }
}
