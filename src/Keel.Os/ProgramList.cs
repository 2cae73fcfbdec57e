using System.Reflection;

namespace Keel.Os;

/// <summary>Parses programs.tsv, the one list of every external program Keel starts (embedded in this assembly).</summary>
public static class ProgramList
{
    public const string FileName = "programs.tsv";

    /// <summary>Rows in file order; comments (#) and blank lines are skipped.</summary>
    public static IReadOnlyList<ExternalProgram> Parse(string text)
    {
        var rows = new List<ExternalProgram>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var fields = line.Split('\t');
            if (fields.Length != 3 || fields.Any(f => f.Trim().Length == 0))
            {
                throw new FormatException($"{FileName} line {lineNumber}: expected three tab-separated fields (program, package, used by), got \"{line}\"");
            }
            if (rows.Any(r => r.Name == fields[0]))
            {
                throw new FormatException($"{FileName} line {lineNumber}: {fields[0]} is listed twice");
            }
            rows.Add(new ExternalProgram(fields[0], fields[1], fields[2]));
        }
        return rows;
    }

    /// <summary>The list this build was made with.</summary>
    public static IReadOnlyList<ExternalProgram> Embedded { get; } = LoadEmbedded();

    private static IReadOnlyList<ExternalProgram> LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(FileName)
            ?? throw new InvalidOperationException($"{FileName} is not embedded in Keel.Os: the build is broken");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
