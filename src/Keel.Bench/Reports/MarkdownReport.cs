using System.Globalization;
using System.Text;

namespace Keel.Bench.Reports;

/// <summary>The human-readable report: conclusions first, then the figures behind them, then steady state.</summary>
public static class MarkdownReport
{
    public static string Write(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var svgNames = TimelineFiles.Names(report);
        var cases = Cases(report);

        Header(md, report, cases.Count);
        Conclusions(md, cases);
        Figures(md, cases, svgNames);
        SteadyStateSection.Write(md, report.Steady);
        return md.ToString();
    }

    /// <summary>One case under one load, with the index of each run in the report (for its timeline file).</summary>
    private sealed record CaseRuns(string Case, string Load, IReadOnlyList<FaultRun> Runs, IReadOnlyList<int> Indexes);

    private static List<CaseRuns> Cases(BenchReport report) =>
        // GroupBy keeps first-seen order, which is the order the bench ran the cases in.
        report.Runs.Select((run, index) => (run, index))
            .GroupBy(x => (x.run.Case, x.run.Load))
            .Select(g => new CaseRuns(g.Key.Case, g.Key.Load,
                g.Select(x => x.run).OrderBy(r => r.Repetition).ToArray(),
                g.OrderBy(x => x.run.Repetition).Select(x => x.index).ToArray()))
            .ToList();

    private static void Header(StringBuilder md, BenchReport report, int caseCount)
    {
        md.Append("# Keel HA benchmark\n\n");
        md.Append("- machine: ").Append(Cell(report.Machine)).Append('\n');
        md.Append("- started: ")
            .Append(report.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
            .Append(" UTC\n");
        md.Append(CultureInfo.InvariantCulture,
            $"- fault runs: {report.Runs.Count} in {caseCount} cases; steady-state measurements: {report.Steady.Count}\n\n");
    }

    private static void Conclusions(StringBuilder md, List<CaseRuns> cases)
    {
        md.Append("## Fault cases\n\n");
        if (cases.Count == 0)
        {
            md.Append("No fault runs.\n\n");
            return;
        }
        md.Append("| case | load | conclusion |\n|---|---|---|\n");
        foreach (var c in cases)
        {
            var sentence = CaseConclusion.For(c.Runs, s => $"**{s}**");
            md.Append("| ").Append(Cell(c.Case)).Append(" | ").Append(Cell(c.Load)).Append(" | ")
                .Append(Cell(sentence)).Append(" |\n");
        }
        md.Append('\n');
    }

    private static void Figures(StringBuilder md, List<CaseRuns> cases, IReadOnlyList<string> svgNames)
    {
        if (cases.Count == 0)
            return;
        md.Append("## Figures per case\n\n");
        foreach (var c in cases)
        {
            var figures = ReportFigures.ForCase(c.Runs);
            md.Append("### ").Append(Inline(c.Case)).Append(" — ").Append(Inline(c.Load)).Append("\n\n");
            md.Append(CultureInfo.InvariantCulture, $"{c.Runs.Count} {(c.Runs.Count == 1 ? "run" : "runs")}; timelines: ");
            md.AppendJoin(", ", c.Runs.Zip(c.Indexes, (r, i) =>
                string.Create(CultureInfo.InvariantCulture, $"[{r.Repetition}]({svgNames[i]})")));
            md.Append("\n\n| figure | min | median | p95 | max |\n|---|---:|---:|---:|---:|\n");

            foreach (var f in figures.Figures.Where(f => f.Stats is not null))
            {
                var s = f.Stats!;
                var partial = s.Count < figures.Runs
                    ? string.Create(CultureInfo.InvariantCulture, $" ({s.Count} of {figures.Runs} runs)")
                    : "";
                md.Append("| ").Append(f.Name).Append(ReportNumbers.Suffix(f.Unit)).Append(partial);
                foreach (var v in new[] { s.Min, s.Median, s.P95, s.Max })
                    md.Append(" | ").Append(ReportNumbers.In(f.Unit, v));
                md.Append(" |\n");
            }

            // Rows without any value are left out of the table, but named, so "missing" never reads as "zero".
            var absent = figures.Figures.Where(f => f.Stats is null).Select(f => f.Name).ToArray();
            if (absent.Length > 0)
                md.Append("\nNo value in any run: ").AppendJoin(", ", absent).Append(".\n");
            md.Append('\n');
        }
    }

    /// <summary>Text for a table cell: a pipe would end the cell, a newline the row.</summary>
    internal static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Text for one line: newlines would break headings and table rows.</summary>
    internal static string Inline(string text) => text.ReplaceLineEndings(" ");
}
