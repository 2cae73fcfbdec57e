using System.Diagnostics;
using System.IO.Hashing;
using System.Text.RegularExpressions;
using Keel.Core.Backup;
using Keel.MySql.Server;
using Keel.Os;

namespace Keel.Agent.Backup;

/// <summary>
/// Takes a full physical backup of the local server: `mariabackup --backup --stream=mbstream`, hashed (XxHash128) on
/// its way through, compressed with `zstd -1` (fast enough to keep up with the stream on 2 cores), into the
/// repository. The manifest is written only when everything went through.
/// </summary>
public sealed partial class BackupTaker(MariaDbServer server, IBackupRepository repository, TimeProvider time, Action<BackupProgress> progress)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    public async Task<BackupManifest> TakeAsync(string id, string member, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        var expected = MariaBackup.DirectorySize(server.DataDir, n => n.StartsWith("mysql-bin.", StringComparison.Ordinal) || n.StartsWith("relay-bin.", StringComparison.Ordinal));
        var scratch = Path.Combine(Path.GetDirectoryName(server.DefaultsFile)!, $"backup-scratch-{id}");
        using var backup = MariaBackup.StartStream(server, scratch);
        var backupLog = backup.StandardError.ReadToEndAsync(CancellationToken.None);
        using var zstd = MariaBackup.Backgrounded(Start("zstd", ["-1", "-T0", "-q", "-c"]));
        var zstdErrors = zstd.StandardError.ReadToEndAsync(CancellationToken.None);
        var hash = new XxHash128();
        long read = 0;
        long stored;
        try
        {
            await using (var file = repository.Create(id))
            {
                var store = zstd.StandardOutput.BaseStream.CopyToAsync(file, 1 << 20, ct);
                // Two 1 MiB buffers: the next fills from mariabackup while the last is hashed and handed to zstd.
                var buffers = new[] { new byte[1 << 20], new byte[1 << 20] };
                var current = 0;
                var clock = Stopwatch.StartNew();
                var lastReport = TimeSpan.Zero;
                var source = backup.StandardOutput.BaseStream;
                var filling = MariaBackup.FillAsync(source, buffers[current], ct);
                int n;
                while ((n = await filling) > 0)
                {
                    var chunk = buffers[current];
                    current = 1 - current;
                    filling = MariaBackup.FillAsync(source, buffers[current], ct);
                    hash.Append(chunk.AsSpan(0, n));
                    await zstd.StandardInput.BaseStream.WriteAsync(chunk.AsMemory(0, n), ct);
                    read += n;
                    if (clock.Elapsed - lastReport >= ProgressEvery)
                    {
                        lastReport = clock.Elapsed;
                        progress(new BackupProgress(id, member, read, expected, read / clock.Elapsed.TotalSeconds, time.GetUtcNow()));
                    }
                }
                zstd.StandardInput.Close();
                await store;
                stored = file.Length;
            }
            await backup.WaitForExitAsync(ct);
            await zstd.WaitForExitAsync(ct);
            var log = await backupLog;
            if (backup.ExitCode != 0 || !log.Contains("completed OK!", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"mariabackup failed (exit {backup.ExitCode}): {MariaBackup.LastLines(log)}");
            }
            if (zstd.ExitCode != 0)
            {
                throw new InvalidOperationException($"zstd failed (exit {zstd.ExitCode}): {await zstdErrors}");
            }
            var manifest = new BackupManifest(id, member, started, time.GetUtcNow(), GtidOf(log), read, stored,
                Convert.ToHexStringLower(hash.GetCurrentHash()), KeelVersion(), MariaDbVersionOf(log));
            repository.Commit(manifest);
            return manifest;
        }
        catch
        {
            Kill(backup);
            Kill(zstd);
            repository.Abandon(id);
            throw;
        }
        finally
        {
            // Only mariabackup's own checkpoint files, never data.
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>mariabackup says where the copy ends: "GTID of the last change '0-1-42'".</summary>
    public static string GtidOf(string log) => GtidPattern().Match(log) is { Success: true } m ? m.Groups[1].Value : "";

    public static string MariaDbVersionOf(string log) => VersionPattern().Match(log) is { Success: true } m ? m.Groups[1].Value : "unknown";

    public static string KeelVersion() =>
        typeof(BackupTaker).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>A pipe stage: standard input, output and error all redirected.</summary>
    public static Process Start(string program, IReadOnlyList<string> args)
    {
        var psi = ExternalPrograms.StartInfo(program, args);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        return Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start");
    }

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }

    [GeneratedRegex(@"GTID of the last change '([^']*)'")]
    private static partial Regex GtidPattern();

    [GeneratedRegex(@"Using server version (\S+)")]
    private static partial Regex VersionPattern();
}
