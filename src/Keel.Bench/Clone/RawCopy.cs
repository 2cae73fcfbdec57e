using System.Diagnostics;
using Keel.MySql.Server;
using Keel.Os;

namespace Keel.Bench.Clone;

/// <summary>
/// The baselines the copies are measured against: `mariabackup --backup --stream=mbstream | ...` as a shell pipe on
/// the same machine, from the same member, with nothing in between.
/// </summary>
public static class RawCopy
{
    /// <summary>`mariabackup | mbstream -x` into <paramref name="target"/> (which must not exist); returns the bytes extracted and the time.</summary>
    public static async Task<(long Bytes, TimeSpan Took)> RunAsync(MariaDbServer donor, string target, string scratch, CancellationToken ct)
    {
        if (Directory.Exists(target))
        {
            throw new InvalidOperationException($"{target} already exists; the raw copy goes into a new directory");
        }
        Directory.CreateDirectory(target);
        var took = await PipeAsync(donor, scratch, $"{Q(ExternalPrograms.Path("mbstream"))} -x -C {Q(target)}", ct);
        return (MariaBackup.DirectorySize(target), took);
    }

    /// <summary>
    /// `mariabackup --backup --stream=mbstream | <paramref name="downstream"/>` (a shell command line, quoted by the
    /// caller), timed. dash has no pipefail: mariabackup's own "completed OK!" says whether its half succeeded.
    /// </summary>
    public static async Task<TimeSpan> PipeAsync(MariaDbServer donor, string scratch, string downstream, CancellationToken ct)
    {
        Directory.CreateDirectory(scratch);
        var log = Path.Combine(scratch, "mariabackup.log");
        var pipe = $"{Q(ExternalPrograms.Path("mariabackup"))} --defaults-file={Q(donor.DefaultsFile)} --backup --stream=mbstream --target-dir={Q(scratch)} 2>{Q(log)} | {downstream}";
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
        if (process.ExitCode != 0 || !File.Exists(log) || !File.ReadAllText(log).Contains("completed OK!", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the raw pipe failed (exit {process.ExitCode}): {await stderr}{(File.Exists(log) ? MariaBackup.LastLines(File.ReadAllText(log)) : "")}");
        }
        return clock.Elapsed;
    }

    public static string Q(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
