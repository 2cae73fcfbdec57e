using System.IO.Hashing;
using Keel.Core.Backup;
using Keel.MySql;
using Keel.MySql.Server;

namespace Keel.Agent.Backup;

/// <summary>
/// Proves a backup restores: the stored file is decompressed and checked against the manifest's checksum on its way
/// into `mbstream -x`, the copy is prepared and given its recovery pass, a throwaway mariadbd (no network) starts on
/// it, and every table gets CHECK TABLE. The result goes into the manifest. The scratch directory is Keel's own
/// (created here, removed here); nothing else is touched.
/// </summary>
public sealed class BackupVerifier(IBackupRepository repository, TimeProvider time, Action<string> progress)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    public async Task<BackupVerification> VerifyAsync(string id, string scratchRoot, CancellationToken ct)
    {
        var manifest = repository.Find(id) ?? throw new InvalidOperationException($"there is no finished backup {id} in {repository.Location}");
        var scratch = Path.Combine(Path.GetFullPath(scratchRoot), $"keel-verify-{id}-{Guid.NewGuid():N}"[..60]);
        var data = Path.Combine(scratch, "data");
        // The throwaway server's socket lives in its run directory, and a unix socket path must stay under 108 bytes.
        var run = Path.Combine(Path.GetTempPath(), $"kv-{Guid.NewGuid():N}"[..15]);
        MariaDbServer? server = null;
        try
        {
            Directory.CreateDirectory(data);
            progress($"restoring {id} ({manifest.StoredBytes / 1e6:0.0} MB stored) into {scratch}");
            var failure = await RestoreAsync(manifest, data, ct);
            if (failure is not null)
            {
                return Record(manifest, false, failure);
            }
            progress("preparing the copy (mariabackup --prepare)");
            await MariaBackup.PrepareAsync(data, ct);
            server = new MariaDbServer(new MariaDbServerOptions
            {
                DataDir = data,
                RunDir = run,
                Port = 3306,
                ServerId = 4_000_000,
                ExtraSettings = new Dictionary<string, string> { ["skip-networking"] = "", ["read_only"] = "ON" },
            });
            await server.RollBackPreparedTransactionsAsync(StartTimeout, ct);
            progress("starting a throwaway server on the copy (no network)");
            await server.StartAsync([], StartTimeout, ct);
            var (tables, problems) = await CheckTablesAsync(server, ct);
            return problems.Count == 0
                ? Record(manifest, true, $"restored {manifest.StreamBytes / 1e6:0.0} MB (checksum matches), started a throwaway server on it, and CHECK TABLE passed on {tables} tables; the copy is at {manifest.GtidPosition}")
                : Record(manifest, false, $"CHECK TABLE found problems in {problems.Count} of {tables} tables: {string.Join("; ", problems.Take(5))}");
        }
        catch (Exception ex) when (ex is InvalidOperationException or MariaDbStartException or MySqlException or IOException)
        {
            return Record(manifest, false, ex.Message);
        }
        finally
        {
            server?.Kill();
            foreach (var dir in new[] { scratch, run }.Where(Directory.Exists))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private BackupVerification Record(BackupManifest manifest, bool passed, string detail)
    {
        var verification = new BackupVerification(time.GetUtcNow(), passed, detail);
        repository.SaveManifest(manifest with { Verification = verification });
        return verification;
    }

    /// <summary>File → zstd -d → checksum → mbstream -x; null when all went through and the checksum matches, else why not.</summary>
    private async Task<string?> RestoreAsync(BackupManifest manifest, string data, CancellationToken ct)
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

    private static async Task<(int Tables, List<string> Problems)> CheckTablesAsync(MariaDbServer server, CancellationToken ct)
    {
        await using var c = await MySqlConnection.OpenAsync(server.RootOptions(TimeSpan.FromMinutes(10)), ct);
        var tables = (await c.QueryAsync(
            "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema', 'sys')", ct))
            .Rows.Select(r => $"`{r[0]!.Replace("`", "``", StringComparison.Ordinal)}`.`{r[1]!.Replace("`", "``", StringComparison.Ordinal)}`").ToList();
        var problems = new List<string>();
        foreach (var table in tables)
        {
            var result = await c.QueryAsync($"CHECK TABLE {table}", ct);
            foreach (var row in result.Rows.Where(r => r[2] is "error" || (r[2] is "status" && r[3] is not ("OK" or "Table is already up to date"))))
            {
                problems.Add($"{table}: {row[3]}");
            }
        }
        return (tables.Count, problems);
    }
}
