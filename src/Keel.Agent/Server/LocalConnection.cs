using Keel.MySql;

namespace Keel.Agent.Server;

/// <summary>
/// One reusable root connection to the local server over its unix socket. A broken connection is dropped and the
/// next call opens a new one; every call has the agent's request timeout.
/// </summary>
public sealed class LocalConnection : IAsyncDisposable
{
    private readonly MySqlConnectOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MySqlConnection? _connection;

    public LocalConnection(MySqlConnectOptions options) => _options = options;

    public async Task<MySqlResult> QueryAsync(string sql, CancellationToken ct, TimeSpan? timeout = null)
    {
        await _gate.WaitAsync(ct);
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
    public async Task ResetAsync()
    {
        await _gate.WaitAsync();
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
        await ResetAsync();
        _gate.Dispose();
    }
}
