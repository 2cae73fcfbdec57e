using System.Diagnostics;
using Keel.MySql.Server;
using Keel.Os;

namespace Keel.Bench.Clone;

/// <summary>
/// The baseline a clone is measured against: `mariabackup --backup --stream=mbstream | mbstream -x` as a shell pipe
/// on the same machine, from the same donor, with nothing in between.
/// </summary>
public static class RawCopy
{
    /// <summary>Copies <paramref name="donor"/> into <paramref name="target"/> (which must not exist); returns the bytes extracted and the time.</summary>
    public static async Task<(long Bytes, TimeSpan Took)> RunAsync(MariaDbServer donor, string target, string scratch, CancellationToken ct)
    {
        if (Directory.Exists(target))
        {
            throw new InvalidOperationException($"{target} already exists; the raw copy goes into a new directory");
        }
        Directory.CreateDirectory(target);
        Directory.CreateDirectory(scratch);
        var pipe = $"{Q(ExternalPrograms.Path("mariabackup"))} --defaults-file={Q(donor.DefaultsFile)} --backup --stream=mbstream --target-dir={Q(scratch)} 2>{Q(Path.Combine(scratch, "mariabackup.log"))}"
            + $" | {Q(ExternalPrograms.Path("mbstream"))} -x -C {Q(target)}";
        // dash has no pipefail: mariabackup's own "completed OK!" says whether its half of the pipe succeeded.
        var psi = ExternalPrograms.StartInfo("sh", ["-c", pipe]);
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = scratch;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("sh did not start");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        clock.Stop();
        var log = Path.Combine(scratch, "mariabackup.log");
        if (process.ExitCode != 0 || !File.Exists(log) || !File.ReadAllText(log).Contains("completed OK!", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the raw copy failed (exit {process.ExitCode}): {await stderr}{(File.Exists(log) ? MariaBackup.LastLines(File.ReadAllText(log)) : "")}");
        }
        return (MariaBackup.DirectorySize(target), clock.Elapsed);
    }

    private static string Q(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
