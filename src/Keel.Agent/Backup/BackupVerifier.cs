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
        var run = ThrowawayServer.NewRunDir("kv");
        MariaDbServer? server = null;
        try
        {
            Directory.CreateDirectory(data);
            progress($"restoring {id} ({manifest.StoredBytes / 1e6:0.0} MB stored) into {scratch}");
            var failure = await BackupExtraction.ExtractAsync(repository, manifest, data, null, ct);
            if (failure is not null)
            {
                return Record(manifest, false, failure);
            }
            progress("preparing the copy (mariabackup --prepare)");
            await MariaBackup.PrepareAsync(data, ct);
            server = ThrowawayServer.On(data, run, 4_000_000, new Dictionary<string, string> { ["read_only"] = "ON" });
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
