using System.IO.Hashing;
using Keel.Core.Backup;
using Keel.MySql.Server;

namespace Keel.Agent.Backup;

/// <summary>A stored backup back into a datadir, checked on the way: what verify and restore share.</summary>
public static class BackupExtraction
{
    /// <summary>File → zstd -d → checksum → mbstream -x; null when all went through and the checksum matches, else why not.</summary>
    public static async Task<string?> ExtractAsync(IBackupRepository repository, BackupManifest manifest, string data, Action<long>? bytesOut, CancellationToken ct)
    {
        using var zstd = BackupTaker.Start("zstd", ["-d", "-q", "-c"]);
        var zstdErrors = zstd.StandardError.ReadToEndAsync(CancellationToken.None);
        using var extract = MariaBackup.StartExtract(data);
        var extractErrors = extract.StandardError.ReadToEndAsync(CancellationToken.None);
        var hash = new XxHash128();
        long bytes = 0;
        var feed = Task.Run(async () =>
        {
            try
            {
                await using var file = repository.Open(manifest.Id);
                await file.CopyToAsync(zstd.StandardInput.BaseStream, 1 << 20, ct);
            }
            catch (IOException)
            {
                // zstd stopped reading (it found the file damaged): its exit code says so.
            }
            finally
            {
                try
                {
                    zstd.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The same: closing flushes into a pipe zstd no longer reads.
                }
            }
        }, ct);
        var buffer = new byte[1 << 20];
        var extractBroken = false;
        int n;
        while ((n = await zstd.StandardOutput.BaseStream.ReadAsync(buffer, ct)) > 0)
        {
            hash.Append(buffer.AsSpan(0, n));
            bytes += n;
            bytesOut?.Invoke(bytes);
            if (extractBroken)
            {
                continue; // drained and hashed all the same: the checksum says whether the stored file is to blame
            }
            try
            {
                await extract.StandardInput.BaseStream.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            catch (IOException)
            {
                // mbstream gave up on what it was fed (damaged data decompresses to garbage before zstd notices).
                extractBroken = true;
            }
        }
        try
        {
            extract.StandardInput.Close();
        }
        catch (IOException)
        {
            extractBroken = true;
        }
        await feed;
        await zstd.WaitForExitAsync(ct);
        await extract.WaitForExitAsync(ct);
        if (zstd.ExitCode != 0)
        {
            return $"the stored file is damaged: zstd could not decompress it ({(await zstdErrors).Trim()})";
        }
        var checksum = Convert.ToHexStringLower(hash.GetCurrentHash());
        if (checksum != manifest.Checksum || bytes != manifest.StreamBytes)
        {
            return $"the stored file is damaged: its content does not match the manifest (checksum {checksum}, {bytes} bytes; the manifest says {manifest.Checksum}, {manifest.StreamBytes} bytes)";
        }
        return extract.ExitCode != 0 || extractBroken ? $"mbstream -x failed (exit {extract.ExitCode}): {MariaBackup.LastLines(await extractErrors)}" : null;
    }
}
