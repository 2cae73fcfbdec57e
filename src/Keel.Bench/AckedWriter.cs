using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Keel.MySql;

namespace Keel.Bench;

/// <summary>
/// A write load that survives failovers: several connections insert rows with unique ids through the read-write
/// endpoint, reconnect after any error, and remember every id whose INSERT was acknowledged. Afterwards every
/// acknowledged id must be on every member. Bounded by its cancellation token and a row limit.
/// </summary>
public sealed class AckedWriter
{
    private readonly MySqlConnectOptions _options;
    private readonly ConcurrentBag<long> _acked = [];
    private readonly ConcurrentBag<(TimeSpan At, string Error)> _failures = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _nextId;

    private readonly Action<long>? _onAck;

    public AckedWriter(MySqlConnectOptions options, Action<long>? onAck = null)
    {
        _options = options;
        _onAck = onAck;
    }

    public IReadOnlyCollection<long> Acknowledged => _acked;
    public IReadOnlyCollection<(TimeSpan At, string Error)> Failures => _failures;

    public static async Task CreateTableAsync(MySqlConnectOptions options)
    {
        await using var c = await MySqlConnection.OpenAsync(options);
        await c.QueryAsync("CREATE TABLE IF NOT EXISTS acked (id BIGINT PRIMARY KEY, writer INT NOT NULL, at DATETIME(6) NOT NULL)");
    }

    /// <summary>
    /// Writes on <paramref name="connections"/> connections until cancelled or <paramref name="maxRows"/> ids are
    /// used, each connection waiting <paramref name="pause"/> after an acknowledged write (zero: flat out).
    /// </summary>
    public Task RunAsync(int connections, CancellationToken ct, long maxRows = 200_000, TimeSpan pause = default) =>
        Task.WhenAll(Enumerable.Range(0, connections).Select(w => WorkerAsync(w, maxRows, pause, ct)));

    private async Task WorkerAsync(int writer, long maxRows, TimeSpan pause, CancellationToken ct)
    {
        MySqlConnection? c = null;
        while (!ct.IsCancellationRequested && Interlocked.Read(ref _nextId) < maxRows)
        {
            try
            {
                c ??= await MySqlConnection.OpenAsync(_options, ct);
                var id = Interlocked.Increment(ref _nextId);
                await c.QueryAsync(string.Create(CultureInfo.InvariantCulture, $"INSERT INTO acked VALUES ({id}, {writer}, NOW(6))"), ct);
                _acked.Add(id);
                _onAck?.Invoke(id);
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (MySqlException ex)
            {
                _failures.Add((_clock.Elapsed, ex.Message));
                if (c is not null)
                {
                    await c.DisposeAsync();
                    c = null;
                }
                try
                {
                    await Task.Delay(20, ct);
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
}
