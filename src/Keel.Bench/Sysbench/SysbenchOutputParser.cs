using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Bench.Sysbench;

/// <summary>
/// Reads sysbench 1.0.20's text output: the final summary of an OLTP run (run with --report-interval=0
/// and --percentile=95), and the cause of a failure from its FATAL lines. Pure, so it is tested on
/// captured outputs.
/// </summary>
public static partial class SysbenchOutputParser
{
    /// <summary>
    /// Figures from a completed run's summary. <see cref="SysbenchFigures.DurationSeconds"/> is sysbench's
    /// measured total time (not the requested --time); <see cref="SysbenchFigures.Errors"/> is its "ignored
    /// errors" count (by default deadlocks and lock wait timeouts, which roll the transaction back and retry).
    /// </summary>
    /// <exception cref="FormatException">A summary line is missing: the run failed or was cut short.</exception>
    public static SysbenchFigures Parse(string output, string workload)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(workload);

        var threads = Number(NumberOfThreads(), output, "Number of threads");
        var tps = Number(Transactions(), output, "transactions");
        var qps = Number(Queries(), output, "queries");
        var errors = Number(IgnoredErrors(), output, "ignored errors");
        var totalTime = Number(TotalTime(), output, "total time");
        var p95 = Number(Percentile95(), output, "95th percentile");

        return new SysbenchFigures(workload, checked((int)threads), totalTime, tps, qps, p95, checked((int)errors));
    }

    /// <summary>
    /// The line that says why sysbench failed, without its "FATAL: " prefix: the first FATAL line naming an
    /// error number (sysbench often prints a generic "unable to connect" first), else the first FATAL line.
    /// </summary>
    public static string? Cause(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? firstFatal = null;
        foreach (var line in Lines(output))
        {
            if (!line.StartsWith(FatalPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var text = line[FatalPrefix.Length..].Trim();
            if (ErrorNumber().IsMatch(text))
            {
                return text;
            }

            firstFatal ??= text;
        }

        return firstFatal;
    }

    /// <summary>The first MySQL/client error number in the FATAL lines, e.g. 2013 for a lost connection.</summary>
    public static int? MySqlErrorCode(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in Lines(output))
        {
            if (line.StartsWith(FatalPrefix, StringComparison.Ordinal) && ErrorNumber().Match(line) is { Success: true } m)
            {
                var digits = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                return int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>The last <paramref name="lineCount"/> non-blank lines, for exception messages.</summary>
    public static string Tail(string output, int lineCount)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(lineCount);
        var lines = Lines(output).Where(l => l.Trim().Length > 0).ToList();
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - lineCount)));
    }

    private const string FatalPrefix = "FATAL:";

    private static IEnumerable<string> Lines(string output) => output.Split('\n').Select(l => l.TrimEnd('\r'));

    private static double Number(Regex pattern, string output, string what)
    {
        var match = pattern.Match(output);
        if (!match.Success)
        {
            throw new FormatException($"sysbench output has no '{what}' summary line");
        }

        // sysbench prints with C printf, so '.' is always the decimal separator.
        return double.Parse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^Number of threads:\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex NumberOfThreads();

    [GeneratedRegex(@"^\s+transactions:\s+\d+\s+\((\d+(?:\.\d+)?) per sec\.\)", RegexOptions.Multiline)]
    private static partial Regex Transactions();

    // Anchored on "queries:" so that the "queries performed:" header above it cannot match.
    [GeneratedRegex(@"^\s+queries:\s+\d+\s+\((\d+(?:\.\d+)?) per sec\.\)", RegexOptions.Multiline)]
    private static partial Regex Queries();

    [GeneratedRegex(@"^\s+ignored errors:\s+(\d+)\s", RegexOptions.Multiline)]
    private static partial Regex IgnoredErrors();

    [GeneratedRegex(@"^\s+total time:\s+(\d+(?:\.\d+)?)s\s*$", RegexOptions.Multiline)]
    private static partial Regex TotalTime();

    [GeneratedRegex(@"^\s+95th percentile:\s+(\d+(?:\.\d+)?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile95();

    // The shapes sysbench 1.0.20 uses: "error 2002: ...", "returned error 2013 (...)", "MySQL error: 1146 ...",
    // "errno = 2013".
    [GeneratedRegex(@"\berror:?\s+(\d{4,5})\b|\berrno\s*=\s*(\d{4,5})\b")]
    private static partial Regex ErrorNumber();
}
