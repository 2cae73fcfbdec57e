using Driver = MySqlConnector;

namespace Keel.MySql;

/// <summary>MySqlConnector settings that keep the old client's behaviour: one owned session, text values, strict timeouts.</summary>
internal static class ConnectionString
{
    public static string For(MySqlConnectOptions options)
    {
        var builder = new Driver.MySqlConnectionStringBuilder
        {
            Server = options.UnixSocket ?? options.Host,
            ConnectionProtocol = options.UnixSocket is null
                ? Driver.MySqlConnectionProtocol.Sockets
                : Driver.MySqlConnectionProtocol.UnixSocket,
            Port = checked((uint)options.Port),
            UserID = options.User,
            Password = options.Password,
            Database = options.Database ?? "",

            // Probes and failover steps want a fresh session they own: a pooled one could be a session the
            // server already killed, and a reset on checkout adds a round trip to every probe.
            Pooling = false,
            AutoEnlist = false,

            // The driver ignores cancellation during the handshake with a server that accepted TCP but does not
            // answer (mariadbd under SIGSTOP) and returns only at Connect Timeout: never leave it at 15 s.
            ConnectionTimeout = checked((uint)DriverTimeout.ConnectSeconds(options.ConnectTimeout)),
            DefaultCommandTimeout = checked((uint)DriverTimeout.Seconds(options.CommandTimeout)),

            // -1: on a command timeout close the socket at once. The default first sends KILL QUERY over a
            // second connection, which doubles the wait (and cannot succeed) on a frozen server.
            CancellationTimeout = -1,

            // Keel runs plain SQL text: user variables (@x) must pass through untouched, not be taken for parameters.
            AllowUserVariables = true,

            // Values are turned back into text (TextValue); keep every type the driver would reinterpret raw.
            AllowZeroDateTime = true,
            TreatTinyAsBoolean = false,
            GuidFormat = Driver.MySqlGuidFormat.None,

            // The old client did not ask for CLIENT_FOUND_ROWS: UPDATE reports changed rows, not matched ones.
            UseAffectedRows = true,

            // TLS only with a CA to verify the server against (VerifyFull: the certificate and the host name or IP);
            // Preferred would add a handshake to every probe for no verified identity. Never over the unix socket.
            SslMode = options.TlsCa is null || options.UnixSocket is not null ? Driver.MySqlSslMode.None : Driver.MySqlSslMode.VerifyFull,
            SslCa = options.UnixSocket is null ? options.TlsCa ?? "" : "",
            CharacterSet = "utf8mb4",
        };
        return builder.ConnectionString;
    }
}
