using System.Globalization;
using Keel.Core.Gtid;
using Keel.Core.Model;
using Keel.MySql;
using Keel.MySql.Server;

namespace Keel.Agent.Server;

/// <summary>Reads the local server's state for one tick. Never throws for a down or silent server: it says so.</summary>
public sealed class LocalServerProbe
{
    private readonly MariaDbServer _server;
    private readonly LocalConnection _connection;
    private readonly TimeSpan _timeout;

    public LocalServerProbe(MariaDbServer server, LocalConnection connection, TimeSpan timeout)
    {
        _server = server;
        _connection = connection;
        _timeout = timeout;
    }

    public async Task<LocalServer> ProbeAsync(CancellationToken ct)
    {
        var pid = _server.RunningPid();
        if (pid is null)
        {
            return LocalServer.Stopped(null, "the server process is not running");
        }
        try
        {
            var vars = await _connection.QueryAsync(
                "SELECT @@global.read_only, @@global.gtid_binlog_pos, @@global.gtid_slave_pos, " +
                "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_STATUS'), " +
                "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_SLAVE_STATUS'), " +
                "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_CLIENTS'), " +
                "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_TX_AVG_WAIT_TIME')",
                ct, _timeout);
            var row = vars.Rows[0];
            var slave = await _connection.QueryAsync("SHOW SLAVE STATUS", ct, _timeout);
            return new LocalServer(
                ServerStatus.Running,
                pid,
                row[0] == "1",
                GtidPosition.Parse(row[1]),
                GtidPosition.Parse(row[2]),
                slave.Rows.Count == 0 ? null : ReadReplication(slave.Rows[0]),
                // Semi-sync as this member's role uses it: the source side on a primary, the replica side otherwise.
                (row[0] == "1" ? row[4] : row[3]) is { } semi ? string.Equals(semi, "ON", StringComparison.OrdinalIgnoreCase) : null,
                null,
                int.TryParse(row[5], NumberStyles.Integer, CultureInfo.InvariantCulture, out var clients) ? clients : null)
            {
                SemiSyncAvgWaitMicros = long.TryParse(row[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var wait) ? wait : null,
                SourcePasswordFingerprint = slave.Rows.Count == 0 ? null : SourcePasswordFingerprint(),
            };
        }
        catch (MySqlException ex)
        {
            // The process may have died between the pid check and the query.
            return _server.RunningPid() is null
                ? LocalServer.Stopped(null, "the server process exited")
                : LocalServer.Unknown(pid, ex.Message);
        }
    }

    /// <summary>
    /// The password the IO thread connects with next, as the last CHANGE MASTER stored it: line 6 of the datadir's
    /// master.info (MariaDB's documented layout; the server shows the password nowhere else). Only its fingerprint
    /// leaves this method. Null when the file cannot be read (an agent running as another user than the server).
    /// </summary>
    private string? SourcePasswordFingerprint()
    {
        try
        {
            var line = File.ReadLines(Path.Combine(_server.DataDir, "master.info")).Skip(5).FirstOrDefault();
            return line is null ? null : Keel.Core.Passwords.PasswordFingerprint.Of(line);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ReplicationStatus? ReadReplication(MySqlRow r)
    {
        var host = r["Master_Host"];
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }
        return new ReplicationStatus(
            host,
            int.TryParse(r["Master_Port"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : null,
            // "Connecting" and "Preparing" mean the IO thread runs and retries: it can still acknowledge.
            r["Slave_IO_Running"] is "Yes" or "Connecting" or "Preparing",
            r["Slave_SQL_Running"] is "Yes",
            GtidPosition.Parse(r["Gtid_IO_Pos"]),
            long.TryParse(r["Seconds_Behind_Master"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var lag) ? lag : null,
            int.TryParse(r["Last_IO_Errno"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ioErr) ? ioErr : 0,
            r["Last_IO_Error"] ?? "",
            int.TryParse(r["Last_SQL_Errno"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sqlErr) ? sqlErr : 0,
            r["Last_SQL_Error"] ?? "");
    }
}
