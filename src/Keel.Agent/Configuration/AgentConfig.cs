using Keel.Core.Model;
using Keel.Core.Timing;

namespace Keel.Agent.Configuration;

/// <summary>One agent's configuration, read from YAML and validated once at start.</summary>
public sealed record AgentConfig(
    string Cluster,
    MemberConfig Member,
    ApiConfig Api,
    EtcdConfig Etcd,
    TimingRules Timing,
    UsersConfig Users,
    HaproxyConfig? Haproxy)
{
    public MemberIdentity Identity => new(Member.Name, Member.Host, Member.Port, Api.Url, Member.Tags);

    /// <summary>
    /// `auto_reinit` (default true): a replica with errant transactions moves its datadir aside and re-clones itself.
    /// With lossless semi-sync no client was told those transactions committed.
    /// </summary>
    public bool AutoReinit { get; init; } = true;

    /// <summary>`clone.max_rate_mb`: a donor sends at most this many bytes per second to this joiner; null: no limit (the primary as donor is held to 50 MB/s).</summary>
    public long? CloneMaxBytesPerSecond { get; init; }

    /// <summary>`clone.keep_old_copies`: after each clone only the newest N datadirs moved aside are kept; null (default): all are kept.</summary>
    public int? KeepOldCopies { get; init; }

    /// <summary>`mode: galera` with its `galera` section; null in replication mode (the default).</summary>
    public Galera.GaleraConfig? Galera { get; init; }

    /// <summary>`disk`: free-space thresholds and whether a primary at the critical level hands over.</summary>
    public Keel.Core.Disk.DiskPolicy Disk { get; init; } = Keel.Core.Disk.DiskPolicy.Default;

    /// <summary>`binlogs`: how long and how much binlog the agent keeps (never what a live member or the archiver needs).</summary>
    public BinlogsConfig Binlogs { get; init; } = BinlogsConfig.Default;

    /// <summary>
    /// Where the server writes its binlogs: the directory of an absolute `log_bin` in mariadb_settings, else the datadir.
    /// </summary>
    public string BinlogDir =>
        Member.MariadbSettings.FirstOrDefault(kv => kv.Key.Replace('-', '_') == "log_bin").Value is { } logBin && Path.IsPathRooted(logBin)
            ? Path.GetDirectoryName(logBin)!
            : Member.DataDir;

    /// <summary>The file this configuration was read from; null when it came from elsewhere (tests).</summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// The `users` section as the file holds it now: passwords change while the agent runs (`keel rotate-password`
    /// rewrites the file), and whatever uses one (Keel's accounts at a server start, replication, the admin's TCP
    /// connections) reads it here. The section read at start when the file cannot be read or parsed now.
    /// </summary>
    public UsersConfig CurrentUsers()
    {
        if (SourcePath is null)
        {
            return Users;
        }
        try
        {
            return AgentConfigLoader.LoadFile(SourcePath).Users;
        }
        catch (ConfigException)
        {
            return Users;
        }
    }

    /// <summary>`kubernetes`: the agent runs in a pod and labels it with its role and health; null: not on Kubernetes.</summary>
    public KubernetesConfig? Kubernetes { get; init; }

    /// <summary>`tls`: certificates for the server, replication and Keel's own TCP connections to MariaDB; null: plain text.</summary>
    public TlsConfig? Tls { get; init; }

    /// <summary>`backup`: where this member's agent puts the backups it takes, when to take them, how many to keep; null: it takes none.</summary>
    public BackupConfig? Backup { get; init; }
}

/// <summary>The `backup` section: repository directory, schedule (null: only on request), retention, verify after taking.</summary>
public sealed record BackupConfig(string Repository, Keel.Core.Backup.IBackupSchedule? Schedule, Keel.Core.Backup.RetentionPolicy Retention, bool Verify)
{
    /// <summary>One agent of the cluster streams the primary's binlogs into the repository (point-in-time restore).</summary>
    public bool ArchiveBinlogs { get; init; } = true;
}

/// <summary>
/// The `tls` section: the CA that signed every member's certificate, this member's certificate and key (PEM files),
/// and whether the server refuses plain-text TCP clients (`require`, default true: require_secure_transport; the
/// unix socket counts as secure). Replication then runs with MASTER_SSL=1 and verifies the source's certificate.
/// With <see cref="Api"/> (default true) the REST API serves HTTPS with the same certificate, and peers verify it
/// with the CA; https:// etcd endpoints are verified with the CA and shown this certificate as a client's.
/// </summary>
public sealed record TlsConfig(string Ca, string Cert, string Key, bool Require)
{
    public bool Api { get; init; } = true;

    /// <summary>How this member reaches its peers' APIs and etcd: their certificates chain to the CA; its own is the client's.</summary>
    public Keel.Os.Tls.ClientTls Client() => new(Ca, Cert, Key);
}

/// <summary>
/// The `kubernetes` section: this agent's pod (default $POD_NAME, else the member's name: a StatefulSet's pod name is
/// the natural member name), its namespace (default $POD_NAMESPACE, else "default"), and the API address (null: the
/// in-cluster service account).
/// </summary>
public sealed record KubernetesConfig(string Pod, string Namespace, Uri? Api);

/// <summary>The `binlogs` section: the retention caps, and how often the agent checks them.</summary>
public sealed record BinlogsConfig(Keel.Core.Binlogs.BinlogRetentionPolicy Retention, TimeSpan CheckInterval)
{
    public static readonly BinlogsConfig Default = new(Keel.Core.Binlogs.BinlogRetentionPolicy.Default, TimeSpan.FromSeconds(30));
}

public sealed record MemberConfig(
    string Name,
    string Host,
    int Port,
    int ServerId,
    string DataDir,
    string RunDir,
    string BindAddress,
    MemberTags Tags,
    IReadOnlyDictionary<string, string> MariadbSettings);

/// <summary>Where the REST API listens (<see cref="Listen"/>) and the URL peers and HAProxy use to reach it.</summary>
public sealed record ApiConfig(string Listen, string Url, string? Token);

public sealed record EtcdConfig(IReadOnlyList<Uri> Endpoints);

public sealed record Credentials(string User, string Password);

/// <summary>Accounts Keel creates on every member (without binlog, so they add no GTIDs).</summary>
public sealed record UsersConfig(Credentials Replication, Credentials Admin, ApplicationUser? Application);

public sealed record ApplicationUser(string User, string Password, string Database);

/// <summary>The HAProxy runtime API the agent pushes routing changes to, and the backend names of the two ports.</summary>
public sealed record HaproxyConfig(string AdminSocket, string ReadWriteBackend, string ReadOnlyBackend);
