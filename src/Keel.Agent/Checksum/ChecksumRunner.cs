using Keel.Agent.Logging;
using Keel.Core.Checksum;
using Keel.MySql;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Checksum;

/// <summary>
/// One checksum run on the primary, chunk by chunk on its own session (never the HA loop's connection): each chunk
/// is a short statement, so application writes wait at most for one chunk, never for the run. Before each chunk it
/// checks that this member still is the writable primary: the run's root session outlives a demotion (root sessions
/// are not killed then), and a chunk written after it would be an errant transaction.
/// </summary>
internal sealed class ChecksumRunner(IMySqlConnection sql, string member, Func<bool> isPrimary, ILogger log)
{
    private const int Attempts = 5;

    /// <summary>Walks every table, reporting each finished chunk through <paramref name="progress"/>; returns the last report.</summary>
    public async Task<ChecksumRun> RunAsync(ChecksumRun run, int chunkRows, Action<ChecksumRun> progress, CancellationToken ct)
    {
        var notes = new List<string>(run.Notes);
        foreach (var qualified in run.Tables)
        {
            var (db, table) = Split(qualified);
            run = run with { CurrentTable = qualified };
            progress(run);
            var (key, columns) = await DescribeAsync(db, table, ct);
            if (columns.Count == 0)
            {
                Note($"{qualified} vanished during the run: not checked");
                run = run with { TablesDone = run.TablesDone + 1 };
                continue;
            }
            if (key is null)
            {
                Note($"{qualified} has no single-column integer primary key: checked as one chunk");
            }
            string? after = null;
            for (var chunk = 0; ; chunk++)
            {
                var upTo = key is null ? null : (await sql.QueryAsync(ChecksumSql.NextBoundary(db, table, key, after, chunkRows), ct)).Scalar();
                var range = key is null ? ChunkRange.WholeTable : ChunkRange.ByKey(key, after, upTo);
                await ChecksumChunkAsync(run.Run, db, table, chunk, range, columns, ct);
                run = run with { Chunks = run.Chunks + 1, Notes = [.. notes] };
                progress(run);
                if (upTo is null)
                {
                    break;
                }
                after = upTo;
            }
            run = run with { TablesDone = run.TablesDone + 1 };
        }
        var end = (await sql.QueryAsync("SELECT @@global.gtid_binlog_pos", ct)).Scalar() ?? "";
        return run with { State = ChecksumRunState.Done, CurrentTable = null, EndPosition = end, Notes = [.. notes] };

        void Note(string text)
        {
            notes.Add(text);
            log.ChecksumNote(member, run.Run, text);
        }
    }

    /// <summary>The table's single-column integer primary key (null when it has none) and its columns (none: the table is gone).</summary>
    private async Task<(string? Key, IReadOnlyList<(string Name, bool Nullable)> Columns)> DescribeAsync(string db, string table, CancellationToken ct)
    {
        var columns = (await sql.QueryAsync(ChecksumSql.Columns(db, table), ct)).Rows.Select(r => (r[0]!, r[1] == "YES")).ToList();
        var pk = (await sql.QueryAsync(ChecksumSql.PrimaryKey(db, table), ct)).Rows;
        var key = pk.Count == 1 && ChecksumSql.IsIntegerType(pk[0][1] ?? "") ? pk[0][0] : null;
        return (key, columns);
    }

    private async Task ChecksumChunkAsync(string run, string db, string table, int chunk, ChunkRange range, IReadOnlyList<(string Name, bool Nullable)> columns, CancellationToken ct)
    {
        await EnsurePrimaryAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sql.QueryAsync(ChecksumSql.Checksum(run, db, table, chunk, range, columns), ct);
                break;
            }
            catch (MySqlServerException ex) when (ex.Code is 1205 or 1213 && attempt < Attempts)
            {
                // Lock wait timeout or deadlock with application writes: nothing was written; try again shortly.
                log.ChecksumChunkRetried(member, run, $"{db}.{table}", chunk, attempt + 1);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
        }
        var back = (await sql.QueryAsync(ChecksumSql.ReadBack(run, db, table, chunk), ct)).Rows;
        if (back.Count != 1 || back[0][0] is not { } count || back[0][1] is not { } crc)
        {
            throw new ChecksumException($"the result of {db}.{table} chunk {chunk} is not in {ChecksumSql.Table}");
        }
        await sql.QueryAsync(ChecksumSql.PrimaryValues(run, db, table, chunk, count, crc), ct);
    }

    private async Task EnsurePrimaryAsync(CancellationToken ct)
    {
        if (!isPrimary() || (await sql.QueryAsync("SELECT @@global.read_only", ct)).Scalar() != "0")
        {
            throw new ChecksumException("stopped: this member is no longer the writable primary");
        }
    }

    public static (string Db, string Table) Split(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return (qualified[..dot], qualified[(dot + 1)..]);
    }
}

/// <summary>A checksum run cannot go on; the message says why.</summary>
public sealed class ChecksumException(string message) : Exception(message);
