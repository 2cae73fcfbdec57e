using System.Text.RegularExpressions;

namespace Keel.Os.Tests;

/// <summary>
/// programs.tsv is the one list of programs Keel starts: ./keel installs from it, and ExternalPrograms starts only
/// what is on it. These tests keep the code from starting a program any other way.
/// </summary>
public partial class ProgramListTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    // The only file allowed to make a ProcessStartInfo: everything else asks it for one.
    private static readonly string Gateway = Path.Combine("src", "Keel.Os", "ExternalPrograms.cs");

    [Fact]
    public void The_embedded_list_is_the_file_that_keel_installs_from()
    {
        var onDisk = ProgramList.Parse(File.ReadAllText(Path.Combine(RepoRoot, ProgramList.FileName)));
        Assert.Equal(onDisk, ExternalPrograms.All);
        Assert.Contains(ExternalPrograms.All, p => p is { Name: "iptables", Package: "iptables" });
    }

    [Fact]
    public void No_source_starts_a_process_except_through_the_list()
    {
        var offenders = SourceFiles()
            .Where(f => Path.GetRelativePath(RepoRoot, f) != Gateway)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => OtherWayToStart().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(RepoRoot, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "start programs with ExternalPrograms.StartInfo, not:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void Every_program_the_sources_name_to_the_gateway_is_on_the_list()
    {
        var named = SourceFiles()
            .SelectMany(f => GatewayCall().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value))
            .Distinct()
            .ToList();
        Assert.NotEmpty(named);
        var unlisted = named.Where(n => ExternalPrograms.All.All(p => p.Name != n)).ToList();
        Assert.True(unlisted.Count == 0, "not on programs.tsv: " + string.Join(", ", unlisted));
    }

    [Fact]
    public void A_program_that_is_not_listed_cannot_be_started()
    {
        var e = Assert.Throws<ProgramListException>(() => ExternalPrograms.StartInfo("nc", ["-l"]));
        Assert.Contains("programs.tsv", e.Message, StringComparison.Ordinal);
        Assert.Throws<ProgramListException>(() => ExternalPrograms.Path("/usr/bin/nc"));
    }

    [Fact]
    public void A_listed_program_resolves_to_its_installed_path_and_an_absolute_path_of_one_is_kept()
    {
        Assert.Equal("/usr/bin/sleep", ExternalPrograms.Path("sleep"));
        Assert.Equal("/opt/build/sysbench", ExternalPrograms.Path("/opt/build/sysbench"));
        Assert.Equal(Environment.ProcessPath, ExternalPrograms.Path(Environment.ProcessPath!));
    }

    [Fact]
    public void A_missing_program_is_named_with_the_package_that_brings_it()
    {
        var sentence = ExternalPrograms.NotInstalled(new ExternalProgram("iptables", "iptables", "isolated hosts"));
        Assert.Equal("iptables is not installed: the Debian package iptables brings it (used for isolated hosts; ./keel up and ./keel test install it)", sentence);
    }

    [Theory]
    [InlineData("mariadbd mariadb-server", "line 1: expected three tab-separated fields")]
    [InlineData("a\tb\tc\na\td\te", "line 2: a is listed twice")]
    [InlineData("a\t \tc", "line 1: expected three tab-separated fields")]
    public void A_malformed_list_names_the_line(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => ProgramList.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_and_blank_lines_are_skipped()
    {
        var rows = ProgramList.Parse("# a comment\n\nsh\tdash\tredirections\r\n");
        Assert.Equal([new ExternalProgram("sh", "dash", "redirections")], rows);
    }

    private static IEnumerable<string> SourceFiles() =>
        new[] { "src", "tests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepoRoot, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.EndsWith(nameof(ProgramListTests) + ".cs", StringComparison.Ordinal));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ProgramList.FileName)))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no {ProgramList.FileName} above {AppContext.BaseDirectory}");
    }

    // A new ProcessStartInfo, Process.Start with a file name, or a Process whose StartInfo is filled in by hand.
    [GeneratedRegex(@"new\s+ProcessStartInfo\b|Process\.Start\s*\(\s*(""|@|\$|new\b)|\bStartInfo\s*\.\s*FileName\s*=|UseShellExecute\s*=\s*true")]
    private static partial Regex OtherWayToStart();

    [GeneratedRegex(@"ExternalPrograms\.(?:StartInfo|Path|Listed)\(\s*""(?<name>[^""]+)""")]
    private static partial Regex GatewayCall();
}
