namespace Keel.Os;

/// <summary>
/// Directories only their owner may enter (0700): a member's directory holds its datadir, where MariaDB keeps the
/// replication password in master.info, and a backup repository holds copies of datadirs.
/// </summary>
public static class PrivateDirectory
{
    /// <summary>Creates the directory 0700 if it does not exist; an existing one keeps its mode (it is the operator's).</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
