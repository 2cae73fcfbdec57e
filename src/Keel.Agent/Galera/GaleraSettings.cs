using System.Globalization;
using Keel.Agent.Configuration;

namespace Keel.Agent.Galera;

/// <summary>The server settings of a Galera node, under the operator's own mariadb_settings (which win).</summary>
public static class GaleraSettings
{
    public static Dictionary<string, string> For(AgentConfig config, GaleraConfig g)
    {
        var host = config.Member.Host;
        var bind = config.Member.BindAddress;
        string Port(int offset) => (g.Port + offset).ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["wsrep_on"] = "ON",
            ["wsrep_provider"] = GaleraConfig.Provider,
            ["wsrep_cluster_name"] = config.Cluster,
            ["wsrep_cluster_address"] = "gcomm://" + string.Join(",", g.Peers),
            ["wsrep_node_name"] = config.Member.Name,
            ["wsrep_node_address"] = $"{host}:{Port(0)}",
            // pc.recovery: when every node of the last Primary Component comes back, they re-form it by themselves
            // (gvwstate.dat) without a bootstrap. IST on port + 1, so several nodes can share a host.
            ["wsrep_provider_options"] = $"gmcast.listen_addr=tcp://{bind}:{Port(0)};ist.recv_addr={host}:{Port(1)};pc.recovery=TRUE",
            ["wsrep_sst_method"] = "mariabackup",
            ["wsrep_sst_auth"] = $"{config.Users.Admin.User}:{config.Users.Admin.Password}",
            ["wsrep_sst_receive_address"] = $"{host}:{Port(2)}",
            ["innodb_autoinc_lock_mode"] = "2",
            // Every node takes writes at the server level; Keel routes them to one (the writer key) to avoid
            // certification conflicts, and a node outside the Primary Component refuses them by itself.
            ["read_only"] = "OFF",
            // Galera assigns the GTIDs of write sets; replication's strict mode and semi-sync do not apply.
            ["gtid_strict_mode"] = "OFF",
            ["wsrep_gtid_mode"] = "ON",
            ["wsrep_gtid_domain_id"] = "1",
            ["rpl_semi_sync_master_enabled"] = "OFF",
            ["rpl_semi_sync_slave_enabled"] = "OFF",
            // Keel's binlog janitor runs in replication mode only (it keeps what members and the archiver still read);
            // a Galera node needs no binlog for IST (gcache serves it), so the server's own expiry bounds them at
            // binlogs.max_age (default 7 days) instead of never.
            ["binlog_expire_logs_seconds"] = ((long)(config.Binlogs.Retention.MaxAge ?? TimeSpan.FromDays(7)).TotalSeconds).ToString(CultureInfo.InvariantCulture),
        };
    }
}
