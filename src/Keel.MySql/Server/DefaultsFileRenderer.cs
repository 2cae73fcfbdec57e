using System.Globalization;
using System.Text;

namespace Keel.MySql.Server;

/// <summary>Renders my.cnf: Keel's defaults for a replication member, then the caller's overrides.</summary>
internal static class DefaultsFileRenderer
{
    public static string Render(MariaDbServerOptions options, string dataDir, string socket, string pidFile, string errorLog, string tmpDir)
    {
        var settings = new List<KeyValuePair<string, string>>
        {
            // As root, mariadbd refuses to start unless told to stay root.
            new("user", "root"),
            new("datadir", dataDir),
            new("socket", socket),
            new("pid-file", pidFile),
            new("log-error", errorLog),

            // A private tmpdir: in a shared /tmp, servers (and cleanup jobs) trip over each other's
            // temporary tables; seen as "Error on delete of '/tmp/#sql-temptable-...'" during bootstrap.
            new("tmpdir", tmpDir),
            new("port", options.Port.ToString(CultureInfo.InvariantCulture)),
            new("bind-address", options.BindAddress),
            new("server_id", options.ServerId.ToString(CultureInfo.InvariantCulture)),
            new("skip-name-resolve", ""),

            // Every member must be promotable, so every member writes a binlog of its own and of what it
            // replicates, with GTIDs that cannot diverge silently.
            new("log_bin", "mysql-bin"),
            new("binlog_format", "ROW"),
            new("gtid_strict_mode", "ON"),
            new("log_slave_updates", "ON"),
            new("sync_binlog", "1"),
            new("innodb_flush_log_at_trx_commit", "1"),

            // Semi-sync on both sides on every member (whichever is promoted must already have it).
            // AFTER_SYNC: the commit becomes visible only after a replica has the event (lossless);
            // MariaDB's default AFTER_COMMIT can show other sessions data no replica has yet.
            new("rpl_semi_sync_master_enabled", "ON"),
            new("rpl_semi_sync_slave_enabled", "ON"),
            new("rpl_semi_sync_master_wait_point", "AFTER_SYNC"),

            // The maximum (~49 days) instead of the 10 s default: on timeout the master silently falls
            // back to asynchronous replication, after which an acknowledged commit may exist only on the
            // primary and a failover would lose it. We would rather have commits block, which the agent
            // can see and act on, than quietly give up zero RPO.
            new("rpl_semi_sync_master_timeout", "4294967295"),

            // A server always starts read-only: only the HA agent decides that a member may take writes.
            new("read_only", "ON"),
            new("relay_log", "relay-bin"),

            // Relay logs are bounded: past this the IO thread waits for the SQL thread to apply (and free) them, so a
            // replica that applies slowly cannot fill its disk with relay logs. The other replica still acknowledges.
            new("relay_log_space_limit", "1G"),

            // Keel purges binlogs itself (binlogs.max_size / max_age), never past what a live member or the binlog
            // archiver still needs; the server's own expiry knows neither.
            new("expire_logs_days", "0"),

            // Replicas notice a dead or silent primary within seconds rather than the default minute.
            new("slave_net_timeout", "5"),

            // The agent starts replication once it knows who the primary is.
            new("skip-slave-start", ""),

            // Small footprint: several servers share a small machine in labs and tests.
            new("innodb_buffer_pool_size", "64M"),
            new("innodb_log_file_size", "48M"),
            new("max_connections", "300"),
            new("performance_schema", "OFF"),
        };

        foreach (var (key, value) in options.ExtraSettings)
        {
            var existing = settings.FindIndex(s => Normalize(s.Key) == Normalize(key));
            if (existing >= 0)
            {
                settings[existing] = new(key, value);
            }
            else
            {
                settings.Add(new(key, value));
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine("# Written by Keel; rewritten on every start, so edit the Keel configuration instead.");
        sb.AppendLine("[mysqld]");
        foreach (var (key, value) in settings)
        {
            sb.AppendLine(value.Length == 0 ? key : $"{key}={value}");
        }

        sb.AppendLine();
        sb.AppendLine("[client]");
        sb.AppendLine(CultureInfo.InvariantCulture, $"socket={socket}");
        sb.AppendLine("user=root");
        return sb.ToString();
    }

    private static string Normalize(string key) => key.Trim().Replace('-', '_').ToLowerInvariant();
}
