namespace Keel.Cli;

/// <summary>
/// Passwords and tokens given to the CLI: from a file only its owner can read, or from an environment variable; never
/// as an argument, because ps shows every process's arguments to every local user.
/// </summary>
internal static class SecretInput
{
    /// <summary>
    /// The secret in <paramref name="file"/> (its first line), else in $<paramref name="envVar"/>, else null; or an error
    /// that names the option and why (missing, empty, readable by others).
    /// </summary>
    public static (string? Value, string? Error) Read(string? file, string option, string envVar)
    {
        if (file is null)
        {
            return (Environment.GetEnvironmentVariable(envVar) is { Length: > 0 } fromEnv ? fromEnv : null, null);
        }
        if (!File.Exists(file))
        {
            return (null, $"{option} '{file}' does not exist");
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            return (null, $"{option} '{file}' is readable by other users; make it its owner's only (chmod 600) first");
        }
        var value = File.ReadLines(file).FirstOrDefault()?.Trim();
        return string.IsNullOrEmpty(value) ? (null, $"{option} '{file}' is empty") : (value, null);
    }

    /// <summary>The refusal of a secret given as an argument, saying what to use instead.</summary>
    public static string OnCommandLine(string option, string fileOption, string envVar) =>
        $"{option} would show the secret to every local user in ps; put it in a file only you can read and pass {fileOption} FILE, or set ${envVar}";
}
