namespace Keel.Os;

/// <summary>Whole-file replacement that a concurrent reader never sees half done: write beside it, then rename over it.</summary>
public static class AtomicFile
{
    /// <summary>Owner read and write only (0600): for files that hold passwords or tokens.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void WriteAllText(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Like <see cref="WriteAllText"/> for a file that holds a secret: the new file is created 0600, so no moment
    /// exists in which another local user could read it (a chmod after writing would leave one).
    /// </summary>
    public static void WriteSecret(string path, string content)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
