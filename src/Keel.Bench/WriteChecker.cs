using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Keel.Core.Gtid;
using Keel.MySql;

namespace Keel.Bench;

/// <summary>
/// The checker's endpoint load: connections, the pause each takes after an acknowledged write, and a row limit.
/// Fault runs write flat out for a few seconds; a soak paces itself for an hour.
/// </summary>
public sealed record WriteLoad(int Connections, TimeSpan Pause = default, long MaxRows = 200_000);

/// <summary>What one fault did to the writes, measured by <see cref="WriteChecker"/>.</summary>
public sealed record FaultReport(
    string Case,
    double? TimeToWritableSeconds,
    double WriteUnavailabilitySeconds,
    double ReadOnlyWindowSeconds,
    int FailedWrites,
    int AcknowledgedWrites,
    int AcknowledgedLost,
    int SplitBrainSwitches)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Case}: writable after {TimeToWritableSeconds?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-"} s, write-unavailable {WriteUnavailabilitySeconds:0.000} s, read-only window {ReadOnlyWindowSeconds:0.000} s, {FailedWrites} failed attempts, {AcknowledgedWrites} acknowledged, {AcknowledgedLost} lost, {SplitBrainSwitches} split-brain switches");
}

/// <summary>
/// The write checker of the fault matrix. Three things run together:
/// - writes through the read-write endpoint on several connections (<see cref="AckedWriter"/>);
/// - one direct writer per member, bypassing HAProxy, to catch a member that acknowledges writes it should not
///   (a fenced old primary); acknowledged direct writes that go back to an earlier writer after another one took
///   over are split-brain evidence;
/// - a sampler of every member's read_only every 100 ms, for the read-only window.
/// Afterwards every acknowledged id (both kinds) must be on every member, with identical GTID positions.
/// In Galera mode every node of the Primary Component takes writes by design, so the direct writers' switches are not
/// split-brain evidence there (none are counted); a write acknowledged by a node outside the Primary Component would
/// be missing from the others and is counted as lost. The sampler then asks each node whether it takes writes
/// (wsrep_ready and a Primary component), and positions compare by wsrep_last_committed.
/// </summary>
public sealed class WriteChecker : IAsyncDisposable
{
    private readonly BenchCluster _cluster;
    private readonly AckedWriter _writer;
    private readonly ConcurrentQueue<(TimeSpan At, string Member, long Id)> _direct = new();
    private readonly ConcurrentQueue<(TimeSpan At, bool AnyWritable)> _samples = new();
    private readonly ConcurrentQueue<TimeSpan> _acks = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private long _nextDirectId;
    private TimeSpan? _faultAt;
    private readonly bool _galera;

    private WriteChecker(BenchCluster cluster, bool galera)
    {
        _cluster = cluster;
        _galera = galera;
        _writer = new AckedWriter(cluster.ReadWrite, at => _acks.Enqueue(_clock.Elapsed));
    }

    public static Task<WriteChecker> StartAsync(BenchCluster cluster, int connections = 4) => StartAsync(cluster, new WriteLoad(connections));

    public static async Task<WriteChecker> StartAsync(BenchCluster cluster, WriteLoad load)
    {
        await AckedWriter.CreateTableAsync(cluster.ReadWrite);
        await using (var c = await MySqlConnection.OpenAsync(cluster.ReadWrite))
        {
            await c.QueryAsync("CREATE TABLE IF NOT EXISTS direct_acked (id BIGINT PRIMARY KEY, member VARCHAR(16) NOT NULL)");
            // Ids start at 1 for every checker: rows of an earlier run would turn its first writes into duplicates.
            await c.QueryAsync("TRUNCATE TABLE acked");
            await c.QueryAsync("TRUNCATE TABLE direct_acked");
        }
        var checker = new WriteChecker(cluster, ClusterHealth.IsGalera(await cluster.ViewAsync()));
        checker._tasks.Add(checker._writer.RunAsync(load.Connections, checker._stop.Token, load.MaxRows, load.Pause));
        foreach (var m in cluster.MemberNames)
        {
            checker._tasks.Add(checker.DirectWriterAsync(m, checker._stop.Token));
        }
        checker._tasks.Add(checker.SampleAsync(checker._stop.Token));
        await Eventually.UntilAsync(() => Task.FromResult(checker._writer.Acknowledged.Count > 100 ? "ok" : null),
            TimeSpan.FromSeconds(60), "the write load to get going");
        return checker;
    }

    public int Acknowledged => _writer.Acknowledged.Count;

    /// <summary>When the load's clock started: every time below is seconds since then.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Seconds since <see cref="StartedAt"/>.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    public double? FaultAtSeconds => _faultAt?.TotalSeconds;

    public IReadOnlyList<double> AckTimes => _acks.Select(a => a.TotalSeconds).Order().ToList();

    public IReadOnlyList<double> ErrorTimes => _writer.Failures.Select(f => f.At.TotalSeconds).Order().ToList();

    /// <summary>Marks the moment the fault is injected; figures are measured from here.</summary>
    public void FaultNow() => _faultAt = _clock.Elapsed;

    public Task WaitForMoreWritesAsync(int count) =>
        Eventually.UntilAsync(() => Task.FromResult(_writer.Acknowledged.Count >= count ? "ok" : null), TimeSpan.FromSeconds(90), $"{count} acknowledged writes");

    private async Task DirectWriterAsync(string member, CancellationToken ct)
    {
        var options = _cluster.Direct(member) with
        {
            ConnectTimeout = TimeSpan.FromSeconds(1),
            CommandTimeout = TimeSpan.FromSeconds(2),
        };
        MySqlConnection? c = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                c ??= await MySqlConnection.OpenAsync(options, ct);
                var id = Interlocked.Increment(ref _nextDirectId);
                await c.QueryAsync(string.Create(CultureInfo.InvariantCulture, $"INSERT INTO direct_acked VALUES ({id}, '{member}')"), ct);
                _direct.Enqueue((_clock.Elapsed, member, id));
                await Task.Delay(50, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (MySqlException)
            {
                if (c is not null)
                {
                    await c.DisposeAsync();
                    c = null;
                }
                try
                {
                    await Task.Delay(100, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        if (c is not null)
        {
            await c.DisposeAsync();
        }
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var any = false;
            foreach (var m in _cluster.MemberNames)
            {
                try
                {
                    await using var c = await MySqlConnection.OpenAsync(_cluster.Admin(m, TimeSpan.FromMilliseconds(300)), ct);
                    any |= _galera
                        ? (await c.QueryAsync(GaleraTakesWrites, ct)).Scalar() == "2"
                        : (await c.QueryAsync("SELECT @@global.read_only", ct)).Scalar() == "0";
                }
                catch (MySqlException)
                {
                    // A down or stopped member is not writable for this purpose.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            _samples.Enqueue((_clock.Elapsed, any));
            try
            {
                await Task.Delay(100, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops the load, waits for a healthy cluster, checks every member and returns the figures.</summary>
    public async Task<FaultReport> FinishAsync(string name)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        var primary = await _cluster.WaitForHealthyAsync(TimeSpan.FromSeconds(120));
        var lost = await CountLostAsync(primary.Name);
        var fault = _faultAt ?? TimeSpan.Zero;

        // Write-unavailability: the longest pause between two acknowledged writes through the read-write endpoint
        // that ends after the fault; the time to a writable primary is when that pause ends.
        var acks = _acks.OrderBy(a => a).ToList();
        var gaps = acks.Zip(acks.Skip(1), (a, b) => (From: a, Gap: b - a)).Where(g => g.From + g.Gap > fault).ToList();
        var longest = gaps.Count == 0 ? (From: fault, Gap: TimeSpan.Zero) : gaps.MaxBy(g => g.Gap);
        var unavailable = longest.Gap;
        var writableAgain = longest.From + longest.Gap;
        var samples = _samples.Where(s => s.At > fault).OrderBy(s => s.At).ToList();
        var readOnly = LongestRun(samples, s => !s.AnyWritable);

        return new FaultReport(
            name,
            gaps.Count == 0 ? null : Math.Max(0, (writableAgain - fault).TotalSeconds),
            unavailable.TotalSeconds,
            readOnly.TotalSeconds,
            _writer.Failures.Count(f => f.At > fault),
            _writer.Acknowledged.Count,
            lost,
            SplitBrainSwitches());
    }

    private static TimeSpan LongestRun(List<(TimeSpan At, bool AnyWritable)> samples, Func<(TimeSpan At, bool AnyWritable), bool> inRun)
    {
        TimeSpan best = TimeSpan.Zero;
        TimeSpan? start = null;
        foreach (var s in samples)
        {
            if (inRun(s))
            {
                start ??= s.At;
                best = s.At - start.Value > best ? s.At - start.Value : best;
            }
            else
            {
                start = null;
            }
        }
        return best;
    }

    /// <summary>A Galera node takes writes when it is ready and in a Primary component ("2": both hold).</summary>
    private const string GaleraTakesWrites =
        "SELECT SUM(VARIABLE_NAME = 'WSREP_READY' AND VARIABLE_VALUE = 'ON') + SUM(VARIABLE_NAME = 'WSREP_CLUSTER_STATUS' AND VARIABLE_VALUE = 'Primary') " +
        "FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('WSREP_READY', 'WSREP_CLUSTER_STATUS')";

    /// <summary>Acknowledged direct writes that return to a member after another member had taken over (replication mode only).</summary>
    private int SplitBrainSwitches()
    {
        if (_galera)
        {
            return 0;
        }
        var seen = new List<string>();
        var backwards = 0;
        foreach (var (_, member, _) in _direct.OrderBy(d => d.At))
        {
            if (seen.Count > 0 && seen[^1] == member)
            {
                continue;
            }
            if (seen.Contains(member))
            {
                backwards++;
            }
            seen.Add(member);
        }
        return backwards;
    }

    private async Task<int> CountLostAsync(string primary)
    {
        var expected = _writer.Acknowledged.ToHashSet();
        var expectedDirect = _direct.Select(d => d.Id).ToHashSet();
        var lost = 0;
        foreach (var m in _cluster.MemberNames)
        {
            // The primary is re-read each time: a write cancelled on the client side may still commit on the server.
            string? last = null;
            try
            {
                await Eventually.UntilAsync(async () =>
                {
                    if (_galera)
                    {
                        var writerSeqno = (await _cluster.RootQueryAsync(primary, LastCommitted)).Scalar();
                        var seqno = (await _cluster.RootQueryAsync(m, LastCommitted)).Scalar();
                        last = $"{primary} at seqno {writerSeqno}, {m} at {seqno}";
                        return seqno == writerSeqno ? "ok" : null;
                    }
                    var primaryPos = GtidPosition.Parse((await _cluster.RootQueryAsync(primary, "SELECT @@global.gtid_binlog_pos")).Scalar());
                    var pos = GtidPosition.Parse((await _cluster.RootQueryAsync(m, "SELECT @@global.gtid_binlog_pos")).Scalar());
                    last = $"{primary} at {primaryPos}, {m} at {pos}";
                    return pos.CompareWith(primaryPos) == GtidOrder.Equal ? "ok" : null;
                }, TimeSpan.FromSeconds(60), $"{m} to reach the primary's GTID position with no errant transactions");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}: {last}; {await DescribePositionsAsync()}", ex);
            }
            var db = _cluster.App.Database;
            var rows = (await _cluster.RootQueryAsync(m, $"SELECT id FROM {db}.acked")).Rows.Select(r => long.Parse(r[0]!, CultureInfo.InvariantCulture)).ToHashSet();
            var direct = (await _cluster.RootQueryAsync(m, $"SELECT id FROM {db}.direct_acked")).Rows.Select(r => long.Parse(r[0]!, CultureInfo.InvariantCulture)).ToHashSet();
            lost = Math.Max(lost, expected.Except(rows).Count() + expectedDirect.Except(direct).Count());
        }
        return lost;
    }

    private const string LastCommitted = "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LAST_COMMITTED'";

    private async Task<string> DescribePositionsAsync()
    {
        var parts = new List<string>();
        foreach (var m in _cluster.MemberNames)
        {
            try
            {
                var r = await _cluster.RootQueryAsync(m, "SELECT @@global.gtid_binlog_pos, @@global.gtid_slave_pos, @@global.read_only");
                var threads = await _cluster.RootQueryAsync(m, "SELECT CONCAT(USER, '/', COMMAND, '/', IFNULL(STATE, ''), '/', LEFT(IFNULL(INFO, ''), 40)) FROM information_schema.PROCESSLIST WHERE USER = 'system user'");
                var semi = await _cluster.RootQueryAsync(m, "SELECT @@global.rpl_semi_sync_master_enabled, @@global.slave_parallel_threads");
                var slave = await _cluster.RootQueryAsync(m, "SHOW SLAVE STATUS");
                if (slave.Rows.Count > 0)
                {
                    var row = slave.Rows[0];
                    parts.Add($"{m} replication: {row["Master_Port"]} io={row["Slave_IO_Running"]} ({row["Slave_IO_State"]}; {row["Last_IO_Error"]}) sql={row["Slave_SQL_Running"]} ({row["Slave_SQL_Running_State"]}; {row["Last_SQL_Error"]}) io_pos={row["Gtid_IO_Pos"]}");
                }
                parts.Add($"{m}: binlog {r.Rows[0][0]}, slave {r.Rows[0][1]}, read_only {r.Rows[0][2]}, semi-sync source {semi.Rows[0][0]}, " +
                    $"threads [{string.Join(" | ", threads.Rows.Select(t => t[0]))}]");
            }
            catch (MySqlException ex)
            {
                parts.Add($"{m}: {ex.Message}");
            }
        }
        return string.Join("; ", parts);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_tasks);
        }
        _stop.Dispose();
    }
}
