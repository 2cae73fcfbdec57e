// Keel.MySql: Keel's narrow view of one MariaDB session, on top of MySqlConnector.
//
// Callers talk to IMySqlConnection; this class adds what an HA manager needs and the driver does not
// give: a hard deadline on every call (the driver can overrun its own timeouts against a frozen
// server), text values, and typed failures that say whether the session is still usable.
using Driver = MySqlConnector;

namespace Keel.MySql;

/// <summary>
/// One session over a unix socket or TCP. Every operation is bounded by a timeout; any I/O failure,
/// timeout or cancellation mid-command leaves the connection broken (its protocol state is unknown), and
/// the driver connection is closed in the background so the caller never waits for a frozen server.
/// </summary>
public sealed class MySqlConnection : IMySqlConnection
{
    // COM_QUIT on dispose is a courtesy (the server frees the session sooner); never wait long for it.
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromMilliseconds(500);

    private readonly MySqlConnectOptions _options;
    private readonly Driver.MySqlConnection _driver;
    private readonly string _endpoint;
    private int _state = (int)ConnectionState.Idle;
    private int _released;

    private MySqlConnection(MySqlConnectOptions options, Driver.MySqlConnection driver)
    {
        _options = options;
        _driver = driver;
        _endpoint = options.ToString();
        ServerVersion = ServerVersionText.Strip(driver.ServerVersion);
        ConnectionId = checked((uint)driver.ServerThread);
    }

    public string ServerVersion { get; }

    public uint ConnectionId { get; }

    public bool IsBroken => State is ConnectionState.Broken or ConnectionState.Closed;

    private ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>Connects and authenticates within <see cref="MySqlConnectOptions.ConnectTimeout"/>.</summary>
    public static async Task<MySqlConnection> OpenAsync(MySqlConnectOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.UnixSocket is null && options.Host is null)
        {
            throw new ArgumentException("MySqlConnectOptions needs Host or UnixSocket", nameof(options));
        }

        ct.ThrowIfCancellationRequested();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.ConnectTimeout);
        var driver = new Driver.MySqlConnection(ConnectionString.For(options));
        Task? open = null;
        try
        {
            // WaitAsync: the driver does not honour the token during the handshake (see ConnectionString).
            open = driver.OpenAsync(deadline.Token);
            await open.WaitAsync(deadline.Token);
            return new MySqlConnection(options, driver);
        }
        catch (Exception ex)
        {
            _ = Abandonment.CloseAsync(driver, open, DriverTimeout.ConnectGrace(options.ConnectTimeout));
            var translated = FailureTranslator.Translate(ex, options.ToString(), "connect", options.ConnectTimeout, ct, deadline.Token);
            if (translated is null)
            {
                throw;
            }

            throw translated;
        }
    }

    public Task<MySqlResult> QueryAsync(string sql, CancellationToken ct = default, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return RunCommandAsync("query", timeout, ct, async (limit, _) =>
        {
            await using var command = new Driver.MySqlCommand(sql, _driver) { CommandTimeout = DriverTimeout.Seconds(limit) };
            return await ResultReader.ReadAsync(command);
        });
    }

    public Task PingAsync(CancellationToken ct = default, TimeSpan? timeout = null) =>
        RunCommandAsync("ping", timeout, ct, async (_, token) =>
        {
            // The driver's ping has no timeout of its own and reports failure as false, not as an exception.
            return await _driver.PingAsync(token)
                ? true
                : throw new MySqlConnectionException($"{_endpoint}: ping failed: the server did not answer COM_PING");
        });

    /// <summary>Closes the session (COM_QUIT, best effort, short wait) if idle; a busy or broken one is closed by its command.</summary>
    public async ValueTask DisposeAsync()
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)ConnectionState.Closed);
        if (previous != ConnectionState.Idle)
        {
            return;
        }

        try
        {
            await Release(null).WaitAsync(QuitTimeout);
        }
        catch (TimeoutException)
        {
            // The close goes on in the background; the server may already be gone.
        }
    }

    public override string ToString() => $"{_endpoint} (id {ConnectionId}, {State})";

    private async Task<T> RunCommandAsync<T>(
        string operation, TimeSpan? timeout, CancellationToken ct, Func<TimeSpan, CancellationToken, Task<T>> body)
    {
        var limit = timeout ?? _options.CommandTimeout;

        // Validated before Enter: a throw from CancelAfter later would leave the connection Busy forever.
        if (limit <= TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "timeout must be positive (or infinite)");
        }

        ct.ThrowIfCancellationRequested();
        Enter();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(limit);
        Task<T>? work = null;
        try
        {
            // Keel's own deadline: the caller gets its answer at the timeout even when the driver is still waiting.
            work = body(limit, deadline.Token);
            var result = await work.WaitAsync(deadline.Token);
            Leave();
            return result;
        }
        catch (Driver.MySqlException ex) when (ServerError.IsFromServer(ex) && !deadline.IsCancellationRequested)
        {
            // An ERR packet completes the command: the session is usable unless the server also closed it
            // (KILL QUERY gives 1317 on an open session; a shutdown gives 1053 and hangs up).
            if (_driver.State == System.Data.ConnectionState.Open)
            {
                Leave();
            }
            else
            {
                Break(work, limit);
            }

            throw ServerError.From(ex);
        }
        catch (Exception ex)
        {
            Break(work, limit);
            var translated = FailureTranslator.Translate(ex, _endpoint, operation, limit, ct, deadline.Token);
            if (translated is null)
            {
                throw;
            }

            throw translated;
        }
    }

    private void Enter()
    {
        var previous = (ConnectionState)Interlocked.CompareExchange(ref _state, (int)ConnectionState.Busy, (int)ConnectionState.Idle);
        switch (previous)
        {
            case ConnectionState.Idle:
                return;
            case ConnectionState.Busy:
                throw new InvalidOperationException(
                    $"{_endpoint}: connection is Busy with another command; expected Idle (one command at a time per connection)");
            case ConnectionState.Broken:
                // A MySqlException rather than InvalidOperationException: callers that handle I/O failures by reconnecting handle this too.
                throw new MySqlConnectionException($"{_endpoint}: connection is Broken by an earlier failure; expected Idle (discard it and reconnect)");
            default:
                throw new ObjectDisposedException(nameof(MySqlConnection), $"{_endpoint}: connection is Closed; expected Idle");
        }
    }

    private void Leave()
    {
        var previous = (ConnectionState)Interlocked.CompareExchange(ref _state, (int)ConnectionState.Idle, (int)ConnectionState.Busy);
        if (previous == ConnectionState.Closed)
        {
            // Disposed while this command ran: the close was left to us.
            _ = Release(null);
        }
    }

    private void Break(Task? work, TimeSpan limit)
    {
        Interlocked.CompareExchange(ref _state, (int)ConnectionState.Broken, (int)ConnectionState.Busy);

        // Closing right away tells the server the session is over (a stopped server learns on resume).
        _ = Release(work, DriverTimeout.Grace(limit));
    }

    private Task Release(Task? pending, TimeSpan? grace = null) =>
        Interlocked.Exchange(ref _released, 1) == 0
            ? Abandonment.CloseAsync(_driver, pending, grace ?? TimeSpan.Zero)
            : Task.CompletedTask;
}
