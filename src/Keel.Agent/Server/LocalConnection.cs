using Keel.MySql;

namespace Keel.Agent.Server;

/// <summary>
/// One reusable root connection to the local server over its unix socket. A broken connection is dropped and the
/// next call opens a new one; every call has the agent's request timeout. Every wait here is bounded, the wait for
/// the connection's turn too: the holder of the turn is itself bounded by its connect and command timeouts, so a turn
/// not granted within <see cref="TurnTimeout"/> means something is stuck, and the caller gets a timeout, not a hang
/// (the demotion and the watchdog's fence run through here).
/// </summary>
public sealed class LocalConnection : IAsyncDisposable
{
    private readonly MySqlConnectOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MySqlConnection? _connection;

    public LocalConnection(MySqlConnectOptions options) => _options = options;

    /// <summary>The longest wait for the connection's turn: one connect plus one command of the previous holder.</summary>
    private TimeSpan TurnTimeout => _options.ConnectTimeout + _options.CommandTimeout;

    private async Task EnterAsync(CancellationToken ct)
    {
        if (!await _gate.WaitAsync(TurnTimeout, ct))
        {
            throw new MySqlTimeoutException($"{_options}: the local connection stayed busy for {TurnTimeout.TotalSeconds:0.#} s");
        }
    }

    public async Task<MySqlResult> QueryAsync(string sql, CancellationToken ct, TimeSpan? timeout = null)
    {
        await EnterAsync(ct);
        try
        {
            if (_connection is null || _connection.IsBroken)
            {
                await DropAsync();
                _connection = await MySqlConnection.OpenAsync(_options, ct);
            }
            try
            {
                return await _connection.QueryAsync(sql, ct, timeout);
            }
            catch (MySqlException ex) when (ex is not MySqlServerException)
            {
                await DropAsync();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ExecuteAllAsync(IEnumerable<string> statements, CancellationToken ct, TimeSpan? timeout = null)
    {
        foreach (var sql in statements)
        {
            await QueryAsync(sql, ct, timeout);
        }
    }

    /// <summary>Forget the connection (after the server restarted, say).</summary>
    public async Task ResetAsync(CancellationToken ct = default)
    {
        await EnterAsync(ct);
        try
        {
            await DropAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DropAsync()
    {
        if (_connection is not null)
        {
            var c = _connection;
            _connection = null;
            try
            {
                await c.DisposeAsync();
            }
            catch (MySqlException)
            {
                // Closing a broken connection may fail; it is gone either way.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ResetAsync();
        }
        catch (MySqlTimeoutException)
        {
            // A call still holds the connection; its own timeout ends it, and the process is going away.
        }
        _gate.Dispose();
    }
}
