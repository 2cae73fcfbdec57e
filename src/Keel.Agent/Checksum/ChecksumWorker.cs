using Keel.Agent.Logging;
using Keel.Core.Checksum;
using Keel.MySql;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Checksum;

/// <summary>What a request to the checksum endpoints came to: the body, or a refusal with its HTTP status.</summary>
public sealed record ChecksumAnswer<T>(T? Body, int Status, string? Refusal) where T : class;

/// <summary>
/// The agent's side of `keel checksum`. On the primary it starts a run (one at a time) and runs it beside the HA loop
/// on a session of its own; on every member it reads the run's results once the local server has applied the
/// primary's end position. Sessions are opened per use: a run is rare and the HA loop's connection must stay free.
/// </summary>
public sealed class ChecksumWorker(MySqlConnectOptions root, string member, Func<bool> isPrimary, Func<string?> leader, ILogger log) : IAsyncDisposable
{
    public const int DefaultChunkRows = 1000;

    /// <summary>A statement of a run gets this long: a chunk is one short statement, the listing of tables a few.</summary>
    private static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private ChecksumRun? _current;
    private Task _running = Task.CompletedTask;

    /// <summary>The run with this id on this member, while it is the last one started here.</summary>
    public ChecksumRun? Progress(string run)
    {
        lock (_lock)
        {
            return _current?.Run == run ? _current : null;
        }
    }

    /// <summary>Starts run <paramref name="run"/> over <paramref name="tables"/> (null: every table); refused unless this member is the primary and no run is going.</summary>
    public async Task<ChecksumAnswer<ChecksumRun>> StartAsync(string run, IReadOnlyList<string>? tables, int chunkRows, CancellationToken ct)
    {
        if (!isPrimary())
        {
            return Refuse($"{member} is not the primary; ask the primary's agent ({leader() ?? "no member leads now"})", 409);
        }
        lock (_lock)
        {
            if (_current is { State: ChecksumRunState.Running } going)
            {
                return Refuse($"checksum run {going.Run} is still going ({going.Chunks} chunks so far)", 409);
            }
        }
        var sql = await MySqlConnection.OpenAsync(root with { CommandTimeout = StatementTimeout }, ct);
        try
        {
            foreach (var s in ChecksumSql.Session)
            {
                await sql.QueryAsync(s, ct);
            }
            if ((await sql.QueryAsync("SELECT @@global.read_only", ct)).Scalar() != "0")
            {
                await sql.DisposeAsync();
                return Refuse($"{member}'s server is read-only: it is not the writable primary (yet)", 409);
            }
            var all = (await sql.QueryAsync(ChecksumSql.Tables, ct)).Rows.Select(r => $"{r[0]}.{r[1]}").ToList();
            var unknown = tables?.Where(t => !all.Contains(t, StringComparer.Ordinal)).ToList() ?? [];
            if (unknown.Count > 0)
            {
                await sql.DisposeAsync();
                return Refuse($"no such table: {string.Join(", ", unknown)} (tables are db.table, base tables outside the system schemas)", 400);
            }
            foreach (var s in ChecksumSql.Create.Append(ChecksumSql.ForgetOldRuns(run)))
            {
                await sql.QueryAsync(s, ct);
            }
            var started = new ChecksumRun(run, member, ChecksumRunState.Running, tables ?? all, 0, 0, null, null, [], null);
            string? other = null;
            lock (_lock)
            {
                // Checked again: another request may have started a run while this one set up its session.
                if (_current is { State: ChecksumRunState.Running } going)
                {
                    other = going.Run;
                }
                else
                {
                    _current = started;
                    _running = Task.Run(() => RunAsync(sql, started, chunkRows), CancellationToken.None);
                }
            }
            if (other is not null)
            {
                await sql.DisposeAsync();
                return Refuse($"checksum run {other} is still going", 409);
            }
            log.ChecksumStarted(member, run, started.Tables.Count, chunkRows);
            return new ChecksumAnswer<ChecksumRun>(started, 202, null);
        }
        catch
        {
            await sql.DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync(MySqlConnection sql, ChecksumRun run, int chunkRows)
    {
        await using var _ = sql;
        try
        {
            var done = await new ChecksumRunner(sql, member, isPrimary, log).RunAsync(run, chunkRows, Publish, _stop.Token);
            Publish(done);
            log.ChecksumDone(member, run.Run, done.Chunks, done.Tables.Count, done.EndPosition ?? "");
        }
        catch (Exception ex) when (ex is MySqlException or ChecksumException or OperationCanceledException)
        {
            var failed = Progress(run.Run) ?? run;
            Publish(failed with { State = ChecksumRunState.Failed, Error = ex.Message });
            log.ChecksumFailed(member, run.Run, ex.Message);
        }
    }

    private void Publish(ChecksumRun run)
    {
        lock (_lock)
        {
            _current = run;
        }
    }

    /// <summary>
    /// This member's differences for <paramref name="run"/> once it holds <paramref name="position"/> (the primary's
    /// position after the run's last chunk). Waited for by polling the binlog and replication positions together
    /// rather than MASTER_GTID_WAIT, which reads only gtid_slave_pos: a former primary's own writes are in its binlog
    /// position alone, and the primary itself has no replication position at all.
    /// </summary>
    public async Task<ChecksumAnswer<MemberChecksum>> ResultAsync(string run, string position, TimeSpan wait, CancellationToken ct)
    {
        if (!Core.Gtid.GtidPosition.TryParse(position, out var target))
        {
            return new(null, 400, $"'{position}' is not a GTID position");
        }
        await using var sql = await MySqlConnection.OpenAsync(root with { CommandTimeout = StatementTimeout }, ct);
        var deadline = DateTime.UtcNow + wait;
        Core.Gtid.GtidPosition here;
        while (true)
        {
            var row = (await sql.QueryAsync("SELECT @@global.gtid_binlog_pos, @@global.gtid_slave_pos", ct)).Rows[0];
            here = Core.Gtid.GtidPosition.Parse(row[0]).Union(Core.Gtid.GtidPosition.Parse(row[1]));
            if (here.Contains(target))
            {
                break;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return new(null, 504, $"{member} did not reach the primary's position {target} within {wait.TotalSeconds:0} s (it is at {here}); is it replicating?");
            }
            await Task.Delay(Poll, ct);
        }
        int seen;
        IReadOnlyList<ChunkResult> differing;
        try
        {
            seen = int.Parse((await sql.QueryAsync(ChecksumSql.ChunksOf(run), ct)).Scalar() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            differing = [.. (await sql.QueryAsync(ChecksumSql.Differing(run), ct)).Rows.Select(Chunk)];
        }
        catch (MySqlServerException ex) when (ex.Code == 1146)
        {
            // No results table: nothing of any run replicated here, which the report shows as every chunk missing.
            (seen, differing) = (0, []);
        }
        log.ChecksumRead(member, run, here.ToString(), differing.Count, seen);
        return new(new MemberChecksum(member, here.ToString(), seen, differing), 200, null);
    }

    private static ChunkResult Chunk(MySqlRow r) => new(
        r["db"]!, r["tbl"]!, int.Parse(r["chunk"]!, System.Globalization.CultureInfo.InvariantCulture),
        new ChunkRange(r["chunk_index"], r["lower_boundary"], r["upper_boundary"]),
        long.Parse(r["this_cnt"]!, System.Globalization.CultureInfo.InvariantCulture), r["this_crc"]!,
        r["master_cnt"] is { } c ? long.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : null, r["master_crc"]);

    private static ChecksumAnswer<ChecksumRun> Refuse(string why, int status) => new(null, status, why);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task running;
        lock (_lock)
        {
            running = _running;
        }
        await running;
        _stop.Dispose();
    }
}
