using System.Diagnostics;
using Keel.MySql.Server;
using Microsoft.AspNetCore.Http;

namespace Keel.Agent.Clone;

/// <summary>
/// The donor's side of a clone, served by its agent's API: a hot mariabackup of the local server streamed as
/// checksummed frames (<see cref="CloneFrames"/>), optionally held to a byte rate so that a donor that serves clients
/// (the primary, when no replica can serve) keeps serving them.
/// </summary>
public sealed class CloneDonor(MariaDbServer server)
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What a copy of this member's datadir needs, in bytes (the joiner checks its free space against it, and its
    /// progress estimates the time left from it): what mariabackup copies, so without binlogs, relay logs, the redo
    /// log files (only the part written during the copy travels) and the temporary tablespace.
    /// </summary>
    public long DataSize() => MariaBackup.DirectorySize(server.DataDir, NotCopied);

    private static bool NotCopied(string fileName) =>
        fileName.StartsWith("mysql-bin.", StringComparison.Ordinal) || fileName.StartsWith("relay-bin.", StringComparison.Ordinal)
        || fileName.StartsWith("ib_logfile", StringComparison.Ordinal) || fileName == "ibtmp1";

    public async Task StreamAsync(HttpResponse response, long? maxBytesPerSecond, CancellationToken ct)
    {
        var scratch = Path.Combine(Path.GetDirectoryName(server.DefaultsFile)!, $"clone-scratch-{Guid.NewGuid():N}");
        response.ContentType = "application/octet-stream";
        using var frames = new CloneFrames.Writer(response.Body);
        Process? backup = null;
        try
        {
            backup = MariaBackup.StartStream(server, scratch);
            var stderr = backup.StandardError.ReadToEndAsync(CancellationToken.None);
            var source = backup.StandardOutput.BaseStream;
            // Two 1 MiB buffers: the next one fills from mariabackup while the last one goes out, and a pipe read
            // returns at most 64 KiB, so each frame is filled first (16 times fewer frames and writes).
            var buffers = new[] { new byte[1 << 20], new byte[1 << 20] };
            var current = 0;
            var sent = 0L;
            var clock = Stopwatch.StartNew();
            var filling = MariaBackup.FillAsync(source, buffers[current], ct);
            int read;
            while ((read = await filling) > 0)
            {
                var chunk = buffers[current].AsMemory(0, read);
                current = 1 - current;
                filling = MariaBackup.FillAsync(source, buffers[current], ct);
                await frames.DataAsync(chunk, ct);
                sent += read;
                if (maxBytesPerSecond is > 0 and var rate)
                {
                    // Hold the average to the rate: wait until the bytes sent so far are due.
                    var due = TimeSpan.FromSeconds((double)sent / rate);
                    if (due > clock.Elapsed)
                    {
                        await Task.Delay(due - clock.Elapsed, ct);
                    }
                }
            }
            using var exitWait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            exitWait.CancelAfter(ExitWait);
            await backup.WaitForExitAsync(exitWait.Token);
            if (backup.ExitCode != 0)
            {
                await frames.ErrorAsync($"mariabackup exited with code {backup.ExitCode}: {MariaBackup.LastLines(await stderr)}", ct);
                return;
            }
            await frames.EndAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or Keel.Os.ProgramListException)
        {
            await frames.ErrorAsync($"could not run mariabackup: {ex.Message}", ct);
        }
        finally
        {
            if (backup is { HasExited: false })
            {
                // The joiner went away (or the agent stops): a backup nobody reads must not keep its locks.
                backup.Kill(entireProcessTree: true);
            }
            backup?.Dispose();
            // Only mariabackup's own scratch files (it writes its checkpoints there), never data.
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
