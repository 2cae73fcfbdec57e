using System.Globalization;
using System.Text;

namespace Keel.Playground;

/// <summary>Writes the files the playground's processes read: agent YAML, haproxy.cfg and client.cnf.</summary>
public static class ConfigFiles
{
    public const string ReplicationUser = "keel_repl";
    public const string AdminUser = "keel_admin";
    public const string ReadWriteBackend = "keel_rw";
    public const string ReadOnlyBackend = "keel_ro";

    public static string AgentYaml(PlaygroundSpec spec, PlaygroundLayout layout, PlaygroundMember m) => $"""
        # Keel agent configuration for playground member {m.Name}; written by `keel up`.
        cluster: {spec.Cluster}
        member:
          name: {m.Name}
          host: {m.Address}
          port: {m.MySqlPort}
          server_id: {m.ServerId}
          data_dir: {layout.MemberData(m.Name)}
          run_dir: {layout.MemberRun(m.Name)}
        {MariadbSettingsYaml(spec, m)}api:
          listen: {m.Address}:{m.ApiPort}
          token: {spec.ApiToken}
        etcd:
          endpoints: [{string.Join(", ", spec.AgentEtcdUrls)}]
        timing:
          ttl: {spec.Ttl}
          loop_interval: {spec.LoopInterval}
          request_timeout: {spec.RequestTimeout}
        users:
          replication:
            user: {ReplicationUser}
            password: {spec.ReplicationPasswordInUse}
          admin:
            user: {AdminUser}
            password: {spec.AdminPasswordInUse}
          application:
            user: {spec.AppUser}
            password: {spec.AppPassword}
            database: {spec.AppDatabase}
        haproxy:
          admin_socket: {layout.HaproxySocket}
          rw_backend: {ReadWriteBackend}
          ro_backend: {ReadOnlyBackend}
        {(spec.CloneMaxRateMb is { } rate ? $"clone:\n  max_rate_mb: {rate}\n" : "")}{BackupYaml(spec, layout)}{GaleraYaml(spec, m)}{TlsYaml(spec, layout, m)}{spec.AgentYamlExtra ?? ""}
        """;

    /// <summary>Galera mode: every node's group communication address, and a 30 s recovery wait (the playground restarts fast).</summary>
    private static string GaleraYaml(PlaygroundSpec spec, PlaygroundMember m) => spec.Galera
        ? $"mode: galera\ngalera:\n  port: {spec.GaleraPort(m)}\n  peers: [{string.Join(", ", spec.Members.Select(p => $"{p.Address}:{spec.GaleraPort(p)}"))}]\n  recovery_wait: 30s\n"
        : "";

    private static string MariadbSettingsYaml(PlaygroundSpec spec, PlaygroundMember m) =>
        spec.MariadbSettings?.GetValueOrDefault(m.Name) is { Count: > 0 } settings
            ? "  mariadb_settings:\n" + string.Concat(settings.Select(kv => $"    {kv.Key}: \"{kv.Value}\"\n"))
            : "";

    /// <summary>
    /// Every playground agent backs up into HOME/backups; the schedule, retention and verify come from the spec. None in
    /// Galera mode, where backups do not run yet and the agent refuses the section.
    /// </summary>
    private static string BackupYaml(PlaygroundSpec spec, PlaygroundLayout layout) => spec.Galera ? "" :
        $"backup:\n  repository: {layout.Backups}\n"
        + (spec.BackupSchedule is { } schedule ? $"  schedule: \"{schedule}\"\n" : "")
        + (spec.BackupRetentionCount is { } count ? $"  retention:\n    count: {count}\n" : "")
        + (spec.BackupVerify ? "  verify: true\n" : "");

    /// <summary>
    /// Two TCP ports. The checks ask each member's agent (Patroni's pattern), not port 3306: a server that answers
    /// but is not the leaseholder must not get writes. on-marked-down shutdown-sessions cuts clients of a demoted
    /// primary at once; the agents also push changes through the admin socket. downinter 250ms: a member that is down
    /// only because its agent restarted is back within a quarter second of the agent answering again.
    /// </summary>
    public static string HaproxyCfg(PlaygroundSpec spec, PlaygroundLayout layout)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"""
            # HAProxy for the Keel playground; written by `keel up`.
            global
                maxconn 2000
                stats socket {layout.HaproxySocket} mode 600 level admin

            defaults
                mode tcp
                timeout connect 2s
                timeout client 1h
                timeout server 1h
                timeout check 1s
                option redispatch
                retries 3

            frontend keel_rw_in
                bind {PlaygroundSpec.Host}:{spec.ReadWritePort}
                default_backend {ReadWriteBackend}

            frontend keel_ro_in
                bind {PlaygroundSpec.Host}:{spec.ReadOnlyPort}
                default_backend {ReadOnlyBackend}

            backend {ReadWriteBackend}
                option httpchk GET /primary
                http-check expect status 200
                default-server inter 1s fastinter 250ms downinter 250ms fall 2 rise 1 on-marked-down shutdown-sessions
            """);
        foreach (var m in spec.Members)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    server {m.Name} {m.Address}:{m.MySqlPort} check port {m.ApiPort}{CheckTls(spec, layout, m)}");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"""

            backend {ReadOnlyBackend}
                balance roundrobin
                option httpchk GET /replica
                http-check expect status 200
                default-server inter 1s fastinter 250ms downinter 250ms fall 2 rise 1 on-marked-down shutdown-sessions
            """);
        foreach (var m in spec.Members)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    server {m.Name} {m.Address}:{m.MySqlPort} check port {m.ApiPort}{CheckTls(spec, layout, m)}");
        }
        return sb.ToString();
    }

    /// <summary>
    /// With HTTPS agents, HAProxy's health checks speak TLS to them and verify the agent's certificate with the
    /// playground's CA and the member's name (a check answered by anything else must not route writes there).
    /// </summary>
    private static string CheckTls(PlaygroundSpec spec, PlaygroundLayout layout, PlaygroundMember m) => spec.TlsControlPlane
        ? $" check-ssl verify required ca-file {PlaygroundTls.CaFile(layout)} verifyhost {m.Name}"
        : "";

    /// <summary>
    /// HAProxy runtime commands that add a member to both backends without a reload (dynamic servers take no
    /// default-server line, so the check settings are spelled out), and bring it into service.
    /// </summary>
    public static IReadOnlyList<string> HaproxyAddServer(PlaygroundSpec spec, PlaygroundLayout layout, PlaygroundMember m) =>
        [.. new[] { ReadWriteBackend, ReadOnlyBackend }.SelectMany(b => new[]
        {
            $"add server {b}/{m.Name} {m.Address}:{m.MySqlPort} check port {m.ApiPort}{CheckTls(spec, layout, m)} inter 1s fastinter 250ms downinter 250ms fall 2 rise 1 on-marked-down shutdown-sessions",
            $"enable health {b}/{m.Name}",
            $"enable server {b}/{m.Name}",
        })];

    /// <summary>HAProxy runtime commands that take a member out of both backends (sessions cut first).</summary>
    public static IReadOnlyList<string> HaproxyDeleteServer(string name) =>
        [.. new[] { ReadWriteBackend, ReadOnlyBackend }.SelectMany(b => new[]
        {
            $"disable server {b}/{name}",
            $"shutdown sessions server {b}/{name}",
            $"del server {b}/{name}",
        })];

    /// <summary>The member's certificate from the playground's CA; plain text when the playground has no TLS.</summary>
    private static string TlsYaml(PlaygroundSpec spec, PlaygroundLayout layout, PlaygroundMember m) => !spec.TlsEnabled ? "" :
        $"tls:\n  ca: {PlaygroundTls.CaFile(layout)}\n  cert: {PlaygroundTls.CertFile(layout, m.Name)}\n  key: {PlaygroundTls.KeyFile(layout, m.Name)}\n"
        + (spec.TlsControlPlane ? "" : "  api: false\n");

    public static string ClientCnf(PlaygroundSpec spec, PlaygroundLayout layout) => $"""
        # Client settings for the Keel playground's application user; written by `keel up`.
        # Read-write port (the primary): mariadb --defaults-extra-file=THIS_FILE
        # Read-only port (the replicas):  mariadb --defaults-extra-file=THIS_FILE --port={spec.ReadOnlyPort}
        [client]
        host={PlaygroundSpec.Host}
        port={spec.ReadWritePort}
        user={spec.AppUser}
        password={spec.AppPassword}
        database={spec.AppDatabase}
        {(spec.TlsEnabled ? $"ssl-ca={PlaygroundTls.CaFile(layout)}\nssl-verify-server-cert\n" : "")}
        """;
}
