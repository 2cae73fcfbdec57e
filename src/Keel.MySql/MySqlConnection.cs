// Keel.MySql: a small hand-written client for the MySQL/MariaDB client/server protocol.
//
// Hand-written because MySqlConnector and MySql.Data are not served in this environment (the NuGet
// copy reachable here lacks them or their dependencies). It covers what an HA manager needs: the
// handshake and the usual auth plugins, text-protocol queries, ping, strict timeouts. Everything else
// in Keel talks to IMySqlConnection, so a real library can replace this one without touching callers.
using Keel.MySql.Protocol;

namespace Keel.MySql;

/// <summary>
/// One protocol session over a unix socket or TCP. Every operation is bounded by a timeout; any I/O
/// failure, timeout or cancellation mid-command leaves the connection broken (the protocol state is
/// unknown at that point), and the socket is closed at once so the server sees the session end.
/// </summary>
public sealed class MySqlConnection : IMySqlConnection
{
    // COM_QUIT on dispose is a courtesy (the server frees the session sooner); never wait long for it.
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromMilliseconds(500);

    private readonly MySqlConnectOptions _options;
    private readonly PacketChannel _channel;
    private readonly bool _deprecateEof;
    private readonly string _endpoint;
    private int _state = (int)ConnectionState.Idle;

    private MySqlConnection(MySqlConnectOptions options, PacketChannel channel, InitialHandshake handshake, bool deprecateEof)
    {
        _options = options;
        _channel = channel;
        _deprecateEof = deprecateEof;
        _endpoint = options.ToString();
        ServerVersion = handshake.ServerVersion;
        ConnectionId = handshake.ConnectionId;
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
        PacketChannel? channel = null;
        try
        {
            var socket = await SocketConnector.ConnectAsync(options, deadline.Token);
            channel = new PacketChannel(socket);
            var outcome = await Authenticator.RunAsync(channel, options, deadline.Token);
            return new MySqlConnection(options, channel, outcome.Handshake, outcome.Negotiated.HasFlag(Capabilities.DeprecateEof));
        }
        catch (Exception ex)
        {
            channel?.Dispose();
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
        return RunCommandAsync("query", timeout, ct, async token =>
        {
            var payload = new PayloadWriter(sql.Length + 1).Byte(PacketHeaders.ComQuery).Utf8(sql);
            await _channel.WritePacketAsync(payload.Written, token);
            return await QueryResponseReader.ReadAsync(_channel, _deprecateEof, token);
        });
    }

    public Task PingAsync(CancellationToken ct = default, TimeSpan? timeout = null) =>
        RunCommandAsync("ping", timeout, ct, async token =>
        {
            await _channel.WritePacketAsync(new[] { PacketHeaders.ComPing }, token);
            var reply = await _channel.ReadPacketAsync(token);
            if (reply.IsEmpty)
            {
                throw new MalformedPacketException("empty reply to COM_PING");
            }

            return reply.Span[0] switch
            {
                PacketHeaders.Ok => true,
                PacketHeaders.Err => throw ServerError.Parse(reply.Span),
                var other => throw new MalformedPacketException($"unexpected reply 0x{other:X2} to COM_PING"),
            };
        });

    /// <summary>Sends COM_QUIT if the connection is idle (best effort, short timeout), then closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)ConnectionState.Closed);
        if (previous == ConnectionState.Idle)
        {
            try
            {
                using var quit = new CancellationTokenSource(QuitTimeout);
                _channel.ResetSequence();
                await _channel.WritePacketAsync(new[] { PacketHeaders.ComQuit }, quit.Token);
            }
#pragma warning disable CA1031 // the server may already be gone; closing is all that matters now
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        _channel.Dispose();
    }

    public override string ToString() => $"{_endpoint} (id {ConnectionId}, {State})";

    private async Task<T> RunCommandAsync<T>(string operation, TimeSpan? timeout, CancellationToken ct, Func<CancellationToken, Task<T>> body)
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
        try
        {
            _channel.ResetSequence();
            var result = await body(deadline.Token);
            Leave();
            return result;
        }
        catch (MySqlServerException)
        {
            // An ERR packet completes the command: the conversation is still in step.
            Leave();
            throw;
        }
        catch (Exception ex)
        {
            Break();
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

    private void Leave() =>
        Interlocked.CompareExchange(ref _state, (int)ConnectionState.Idle, (int)ConnectionState.Busy);

    private void Break()
    {
        // Closing the socket right away tells the server the session is over (a stopped server learns on resume).
        Interlocked.CompareExchange(ref _state, (int)ConnectionState.Broken, (int)ConnectionState.Busy);
        _channel.Dispose();
    }
}
