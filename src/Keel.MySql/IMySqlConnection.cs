namespace Keel.MySql;

/// <summary>
/// One server session. Not safe for concurrent use: one command at a time. Callers depend on this
/// interface rather than <see cref="MySqlConnection"/> so that tests can fake a server.
/// </summary>
public interface IMySqlConnection : IAsyncDisposable
{
    /// <summary>Server version as the server reports it, without MariaDB's "5.5.5-" compatibility prefix.</summary>
    string ServerVersion { get; }

    /// <summary>Server-side thread id (what KILL and the processlist use).</summary>
    uint ConnectionId { get; }

    /// <summary>True after any I/O error, timeout or cancellation mid-command, and after disposal: discard it.</summary>
    bool IsBroken { get; }

    /// <summary>Runs one text-protocol statement and reads its full response within <paramref name="timeout"/>.</summary>
    Task<MySqlResult> QueryAsync(string sql, CancellationToken ct = default, TimeSpan? timeout = null);

    /// <summary>COM_PING within <paramref name="timeout"/>.</summary>
    Task PingAsync(CancellationToken ct = default, TimeSpan? timeout = null);
}
