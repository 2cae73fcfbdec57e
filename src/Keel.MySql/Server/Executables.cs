namespace Keel.MySql.Server;

/// <summary>
/// Finds a program on PATH plus the sbin directories: Debian installs mariadbd in /usr/sbin, which a
/// non-login shell or a service manager may leave off PATH.
/// </summary>
internal static class Executables
{
    private static readonly string[] FallbackDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin"];

    public static string Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(FallbackDirectories))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return name; // let the start fail with the OS's own "not found"
    }
}
