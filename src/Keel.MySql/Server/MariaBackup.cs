using System.Diagnostics;
using Keel.Os;

namespace Keel.MySql.Server;

/// <summary>
/// mariabackup and mbstream, the MariaDB tools a physical clone is made with: the donor streams a hot backup
/// (`--backup --stream=mbstream`, online, with BACKUP STAGE locks only at the end), the joiner extracts it
/// (`mbstream -x`) and prepares it (`--prepare`: crash recovery of the copy). The copy records the GTID position it
/// is consistent with, which the joiner's replication starts from.
/// </summary>
public static class MariaBackup
{
    /// <summary>
    /// Starts a streaming backup of <paramref name="server"/>; its standard output is the mbstream. The caller reads
    /// it to the end and then awaits the exit (a non-zero exit means the stream is not a usable backup).
    /// </summary>
    public static Process StartStream(MariaDbServer server, string scratchDir)
    {
        Directory.CreateDirectory(scratchDir);
        var psi = ExternalPrograms.StartInfo("mariabackup",
            ["--defaults-file=" + server.DefaultsFile, "--backup", "--stream=mbstream", "--target-dir=" + scratchDir]);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = scratchDir;
        return Backgrounded(Process.Start(psi) ?? throw new InvalidOperationException("mariabackup did not start"));
    }

    /// <summary>
    /// A copy for a clone or a backup is background work: it runs at a lower CPU priority (nice 10) than the servers,
    /// so that a donor that also applies replication, or a host shared with a primary, keeps serving first. Set right
    /// after the start, before the tool creates its copy threads, which inherit it.
    /// </summary>
    public static Process Backgrounded(Process process)
    {
        try
        {
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or not allowed: the copy still works, at normal priority.
        }
        return process;
    }

    /// <summary>
    /// Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read. A pipe read returns at
    /// most 64 KiB: filling 1 MiB first means 16 times fewer writes downstream.
    /// </summary>
    public static async Task<int> FillAsync(Stream source, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        int n;
        while (filled < buffer.Length && (n = await source.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
        {
            filled += n;
        }
        return filled;
    }

    /// <summary>Starts `mbstream -x` into <paramref name="targetDir"/>; the caller writes the stream to its standard input.</summary>
    public static Process StartExtract(string targetDir)
    {
        Directory.CreateDirectory(targetDir);
        var psi = ExternalPrograms.StartInfo("mbstream", ["-x", "-C", targetDir]);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = targetDir;
        return Backgrounded(Process.Start(psi) ?? throw new InvalidOperationException("mbstream did not start"));
    }

    /// <summary>`mariabackup --prepare`: applies the copied redo log so the datadir is consistent. Throws with its output on failure.</summary>
    public static async Task PrepareAsync(string targetDir, CancellationToken ct)
    {
        var (exit, output) = await ToolRunner.RunAsync("mariabackup", ["--prepare", "--target-dir=" + targetDir], targetDir, ct);
        if (exit != 0)
        {
            throw new InvalidOperationException($"mariabackup --prepare of {targetDir} failed with exit code {exit}: {LastLines(output)}");
        }
    }

    /// <summary>
    /// The GTID position the copy is consistent with, from mariadb_backup_binlog_info (older names:
    /// xtrabackup_binlog_info): "file  position  gtid". Empty when the donor had written no binlog yet.
    /// </summary>
    public static string ReadGtidPosition(string targetDir)
    {
        foreach (var name in new[] { "mariadb_backup_binlog_info", "xtrabackup_binlog_info" })
        {
            var path = Path.Combine(targetDir, name);
            if (File.Exists(path))
            {
                var fields = File.ReadAllText(path).Split('\t', '\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                return fields.Length >= 3 ? fields[2] : "";
            }
        }

        throw new InvalidOperationException($"the copy in {targetDir} has no mariadb_backup_binlog_info, so its GTID position is unknown");
    }

    /// <summary>Bytes of the files under <paramref name="dir"/>, leaving out those <paramref name="skip"/> names (by file name).</summary>
    public static long DirectorySize(string dir, Func<string, bool>? skip = null) =>
        Directory.Exists(dir)
            ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => skip?.Invoke(f.Name) != true).Sum(f => SafeLength(f))
            : 0;

    public static string LastLines(string output, int lines = 8) =>
        string.Join('\n', output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines)).Trim();

    private static long SafeLength(FileInfo f)
    {
        try
        {
            return f.Length;
        }
        catch (IOException)
        {
            return 0; // removed while counting (a temporary table)
        }
    }
}
