using System.Globalization;
using Keel.Core.Gtid;
using Keel.MySql;
using Keel.MySql.Server;

namespace Keel.Agent.Server;

/// <summary>
/// Right after a replica's server restarts, before anything starts replication: applies the whole transactions its
/// relay log holds beyond what it had applied. MariaDB in GTID mode discards the relay log at the next START SLAVE
/// after a restart (and reports an empty Gtid_IO_Pos until then), so a replica that acknowledged transactions and
/// crashed before applying them would otherwise lose them, and with the primary gone too they would be lost for good.
/// </summary>
public sealed class RelayLogRecovery
{
    private readonly MariaDbServer _server;
    private readonly LocalConnection _sql;
    private readonly TimeSpan _timeout;

    public RelayLogRecovery(MariaDbServer server, LocalConnection sql, TimeSpan timeout)
    {
        _server = server;
        _sql = sql;
        _timeout = timeout;
    }

    /// <summary>One sentence when transactions were recovered, null when there was nothing to do.</summary>
    public async Task<string?> RecoverAsync(CancellationToken ct)
    {
        var status = await _sql.QueryAsync("SHOW SLAVE STATUS", ct, _timeout);
        if (status.Rows.Count == 0 || !string.IsNullOrEmpty(status.Rows[0]["Gtid_IO_Pos"])
            || status.Rows[0]["Slave_IO_Running"] != "No" || status.Rows[0]["Slave_SQL_Running"] != "No")
        {
            // Not a replica, or replication already ran since the start: the relay log is live, not left over.
            return null;
        }
        var applied = GtidPosition.Parse((await _sql.QueryAsync("SELECT @@global.gtid_binlog_pos", ct, _timeout)).Scalar());
        var events = new List<RelayEvent>();
        foreach (var file in _server.RelayLogFiles())
        {
            var rows = await _sql.QueryAsync($"SHOW RELAYLOG EVENTS IN {MySqlText.Quote(file)}", ct, _timeout);
            events.AddRange(rows.Rows.Select(r => new RelayEvent(
                file,
                long.Parse(r["Pos"] ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture),
                r["Event_type"] ?? "",
                r["Info"] ?? "")));
        }
        var ranges = RelayLogPlan.Unapplied(events, applied);
        if (ranges.Count == 0)
        {
            return null;
        }
        foreach (var range in ranges)
        {
            await _server.ReplayRelayLogAsync(range.File, range.Start, range.Stop, ct);
        }
        var gtids = ranges.SelectMany(r => r.Transactions).ToList();
        var now = (await _sql.QueryAsync("SELECT @@global.gtid_binlog_pos", ct, _timeout)).Scalar();
        return $"applied {gtids.Count} transaction(s) ({gtids[0]} to {gtids[^1]}) left in the relay log by the crash, because MariaDB discards the relay log when replication starts again and they may have been acknowledged; the server is now at {now}";
    }
}
