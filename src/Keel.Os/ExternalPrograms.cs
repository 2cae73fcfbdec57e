using System.Diagnostics;

namespace Keel.Os;

/// <summary>
/// The one way Keel starts another program: by a name on programs.tsv, resolved to its installed path. A program
/// that is not on the list cannot be started, so the list that ./keel installs from cannot drift from what the code
/// runs (a unit test scans the sources for any other way of starting a process).
/// </summary>
public static class ExternalPrograms
{
    // Debian installs mariadbd and iptables in /usr/sbin, which a non-login shell or a service manager may leave off PATH.
    private static readonly string[] FallbackDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"];

    public static IReadOnlyList<ExternalProgram> All => ProgramList.Embedded;

    /// <summary>The row of <paramref name="name"/>; throws <see cref="ProgramListException"/> when it is not listed.</summary>
    public static ExternalProgram Listed(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ProgramListException($"{name} is not on {ProgramList.FileName}, the list of programs Keel may start: add it there with the Debian package that brings it");

    /// <summary>
    /// The absolute path of a listed program. An absolute path is accepted as given when its file name is listed (an
    /// operator's own build of sysbench, say) and when it is this process's own executable (Keel starting itself).
    /// </summary>
    /// <exception cref="ProgramListException">Not listed, or listed but not installed (the message names its package).</exception>
    public static string Path(string name)
    {
        if (System.IO.Path.IsPathRooted(name))
        {
            if (name != Environment.ProcessPath)
            {
                Listed(System.IO.Path.GetFileName(name));
            }
            return name;
        }
        var program = Listed(name);
        return Find(name) ?? throw new ProgramListException(NotInstalled(program));
    }

    /// <summary>Start information for a listed program with an argument vector (never through a shell of ours).</summary>
    public static ProcessStartInfo StartInfo(string name, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Path(name)) { UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        return psi;
    }

    /// <summary>The listed programs that are not installed here, in list order.</summary>
    public static IReadOnlyList<ExternalProgram> Missing() => [.. All.Where(p => Find(p.Name) is null)];

    /// <summary>One sentence for a missing program: which package brings it.</summary>
    public static string NotInstalled(ExternalProgram p) => p.Installable
        ? $"{p.Name} is not installed: the Debian package {p.Package} brings it (used for {p.UsedBy}; ./keel up and ./keel test install it)"
        : $"{p.Name} is not installed (used for {p.UsedBy}; ./keel does not install it)";

    private static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(FallbackDirectories)
            .Select(dir => System.IO.Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}
