using System.Globalization;
using Keel.Agent.Server;
using Keel.Core.Galera;
using Keel.Core.Model;
using Keel.MySql;
using Keel.MySql.Server;

namespace Keel.Agent.Galera;

/// <summary>Reads a running Galera node's wsrep status for one tick; never throws for a down or silent server.</summary>
public sealed class GaleraProbe(MariaDbServer server, LocalConnection connection, TimeSpan timeout)
{
    /// <summary>The server's pid while it runs (cheap: /proc), for the loop's watch on the process.</summary>
    public int? RunningPid() => server.RunningPid();

    public async Task<(ServerStatus Status, int? Pid, GaleraState? State, string? Error)> ProbeAsync(CancellationToken ct)
    {
        if (server.RunningPid() is not { } pid)
        {
            return (ServerStatus.Stopped, null, null, "the server process is not running");
        }
        try
        {
            var rows = (await connection.QueryAsync(
                "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN " +
                "('WSREP_LOCAL_STATE', 'WSREP_LOCAL_STATE_COMMENT', 'WSREP_CLUSTER_STATUS', 'WSREP_READY', 'WSREP_CLUSTER_SIZE', " +
                "'WSREP_CLUSTER_STATE_UUID', 'WSREP_LAST_COMMITTED', 'WSREP_FLOW_CONTROL_PAUSED')", ct, timeout)).Rows
                .ToDictionary(r => (r[0] ?? "").ToUpperInvariant(), r => r[1] ?? "", StringComparer.Ordinal);
            int? Int(string name) => int.TryParse(rows.GetValueOrDefault(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
            return (ServerStatus.Running, pid, new GaleraState
            {
                LocalState = Int("WSREP_LOCAL_STATE"),
                LocalStateComment = rows.GetValueOrDefault("WSREP_LOCAL_STATE_COMMENT"),
                ClusterStatus = rows.GetValueOrDefault("WSREP_CLUSTER_STATUS"),
                Ready = rows.GetValueOrDefault("WSREP_READY") == "ON",
                ClusterSize = Int("WSREP_CLUSTER_SIZE") ?? 0,
                ClusterUuid = rows.GetValueOrDefault("WSREP_CLUSTER_STATE_UUID"),
                Seqno = long.TryParse(rows.GetValueOrDefault("WSREP_LAST_COMMITTED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null,
                FlowControlPaused = double.TryParse(rows.GetValueOrDefault("WSREP_FLOW_CONTROL_PAUSED"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : null,
            }, null);
        }
        catch (Exception ex) when (ex is MySqlException or TimeoutException)
        {
            return (ServerStatus.Unknown, pid, null, ex.Message);
        }
    }
}
