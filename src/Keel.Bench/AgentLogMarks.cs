using System.Globalization;

namespace Keel.Bench;

/// <summary>Reads the agents' decision lines back from their logs, as timeline marks and detect/promote moments.</summary>
public static class AgentLogMarks
{
    /// <summary>One parsed line: time, member, and what it says.</summary>
    public sealed record LogLine(DateTimeOffset At, string Member, string EventId, string Text);

    public static IEnumerable<LogLine> Parse(string log)
    {
        foreach (var line in log.Split('\n'))
        {
            // 2026-11-22T02:17:23.655Z info: keel.agent[100] m2: ReleaseLeadership: released ...
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var bracket = line.IndexOf("keel.agent[", StringComparison.Ordinal);
            if (space <= 0 || bracket < 0
                || !DateTimeOffset.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                continue;
            }
            var idEnd = line.IndexOf(']', bracket);
            var rest = line[(idEnd + 2)..];
            var colon = rest.IndexOf(": ", StringComparison.Ordinal);
            if (idEnd < 0 || colon < 0)
            {
                continue;
            }
            yield return new LogLine(at, rest[..colon], line[(bracket + 11)..idEnd], rest[(colon + 2)..].Trim());
        }
    }

    /// <summary>Actions (not "None") and lost servers, between two moments, as marks relative to <paramref name="origin"/>.</summary>
    public static IReadOnlyList<TimelineMark> Marks(IEnumerable<LogLine> lines, DateTimeOffset origin, DateTimeOffset from, DateTimeOffset to) =>
        lines.Where(l => l.At >= from && l.At <= to)
            .Where(l => (l.EventId == "100" && !l.Text.StartsWith("None:", StringComparison.Ordinal)) || l.EventId == "400")
            .OrderBy(l => l.At)
            .Select(l => new TimelineMark((l.At - origin).TotalSeconds, $"{l.Member}: {Shorten(l.Text)}"))
            .ToList();

    /// <summary>First sign after the fault that an agent noticed it.</summary>
    public static DateTimeOffset? Detected(IEnumerable<LogLine> lines, DateTimeOffset fault) =>
        lines.Where(l => l.At >= fault && (l.EventId == "400"
                || l.Text.StartsWith("ReleaseLeadership", StringComparison.Ordinal)
                || l.Text.StartsWith("StopReplication", StringComparison.Ordinal)
                || l.Text.StartsWith("Demote", StringComparison.Ordinal)
                || l.Text.StartsWith("HandOver", StringComparison.Ordinal)
                || l.Text.StartsWith("StartServer", StringComparison.Ordinal)
                // Galera mode: the writer gives up its key, a node takes it, a stopped node joins.
                || l.Text.StartsWith("ReleaseWriter", StringComparison.Ordinal)
                || l.Text.StartsWith("AcquireWriter", StringComparison.Ordinal)
                || l.Text.StartsWith("Join", StringComparison.Ordinal)))
            .Select(l => (DateTimeOffset?)l.At).Min();

    /// <summary>When a new primary became writable after the fault (Galera: when a Synced node took the writer key).</summary>
    public static DateTimeOffset? Promoted(IEnumerable<LogLine> lines, DateTimeOffset fault) =>
        lines.Where(l => l.At >= fault && l.EventId == "201"
                && (l.Text.StartsWith("the local server is the writable primary", StringComparison.Ordinal) || l.Text.StartsWith("took the writer key", StringComparison.Ordinal)))
            .Select(l => (DateTimeOffset?)l.At).Min();

    private static string Shorten(string text)
    {
        var action = text.Split(':')[0];
        return action.Length > 40 ? action[..40] : action;
    }
}
