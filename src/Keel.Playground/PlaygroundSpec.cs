using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Playground;

/// <summary>One member of the playground: its name, its ports, and, with isolated hosts, its own address and namespace.</summary>
public sealed record PlaygroundMember(string Name, int ServerId, int MySqlPort, int ApiPort)
{
    private readonly string? _address;

    /// <summary>Where the member listens; 127.0.0.1 unless it runs in its own namespace (and in specs saved before isolated hosts existed).</summary>
    public string Address
    {
        get => _address ?? PlaygroundSpec.Host;
        init => _address = value;
    }

    /// <summary>The network namespace the member's agent and server run in; null on plain loopback.</summary>
    public string? Namespace { get; init; }
}

/// <summary>One etcd member of the playground.</summary>
public sealed record PlaygroundEtcdMember(string Name, int ClientPort, int PeerPort);

/// <summary>
/// The playground's topology: the embedded default that <c>keel up</c> uses, saved into its home on the first run
/// so that later commands (status, down, a second up) find the same ports.
/// </summary>
public sealed record PlaygroundSpec(
    string Cluster,
    IReadOnlyList<PlaygroundMember> Members,
    int EtcdClientPort,
    int EtcdPeerPort,
    int ReadWritePort,
    int ReadOnlyPort,
    string Ttl,
    string LoopInterval,
    string RequestTimeout,
    string AppUser,
    string AppPassword,
    string AppDatabase,
    string ApiToken)
{
    /// <summary>
    /// The replication account's password; null in playgrounds saved before it was kept on its own (then it is derived
    /// from the API token, as it was). Random per playground, like every other secret of it.
    /// </summary>
    public string? ReplicationPassword { get; init; }

    /// <summary>The admin account's password; null in playgrounds saved before it was kept on its own (see <see cref="ReplicationPassword"/>).</summary>
    public string? AdminPassword { get; init; }

    /// <summary>The replication password in use.</summary>
    public string ReplicationPasswordInUse => ReplicationPassword ?? $"repl-{ApiToken[..12]}";

    /// <summary>The admin password in use.</summary>
    public string AdminPasswordInUse => AdminPassword ?? $"admin-{ApiToken[..12]}";

    /// <summary>
    /// TLS between clients, Keel and the servers, and for replication (`tls` in every agent's config), with certificates
    /// from the playground's own CA. On for new playgrounds; false in playgrounds saved before it existed. Galera
    /// playgrounds run without it for now.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>Whether the members run with TLS (<see cref="Tls"/>, not in Galera mode).</summary>
    public bool TlsEnabled => Tls && !Galera;

    /// <summary>
    /// The directory of the playground's CA and certificates (HOME/tls), set when the playground is made. With it the
    /// agents' APIs serve HTTPS and etcd takes only clients with a certificate from the CA; playgrounds saved before
    /// that keep plain HTTP for both.
    /// </summary>
    public string? TlsDir { get; init; }

    /// <summary>Whether the agents' APIs and etcd use TLS too (not only MariaDB and replication).</summary>
    public bool TlsControlPlane => TlsEnabled && TlsDir is not null;

    /// <summary>http or https: how the agents' APIs are reached.</summary>
    public string ApiScheme => TlsControlPlane ? "https" : "http";

    /// <summary>A member's API, as its agent publishes it.</summary>
    public string ApiUrl(PlaygroundMember m) => $"{ApiScheme}://{m.Address}:{m.ApiPort}";

    /// <summary>
    /// How the CLI and the tests reach the agents' APIs and etcd: the playground's CA verifies them, the "client"
    /// certificate is shown to etcd. Null without <see cref="TlsControlPlane"/>.
    /// </summary>
    public Keel.Os.Tls.ClientTls? ClientTls => TlsControlPlane
        ? new(Path.Combine(TlsDir!, "ca.pem"), Path.Combine(TlsDir!, "client.pem"), Path.Combine(TlsDir!, "client.key"))
        : null;

    /// <summary>An etcd client's options for this playground's etcd (URLs and, with TLS, the client certificate).</summary>
    public Keel.Etcd.EtcdClientOptions EtcdOptions(TimeSpan? requestTimeout = null) => new()
    {
        Endpoints = EtcdUrls,
        Tls = ClientTls,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(2),
    };

    /// <summary>An HttpClient for the agents' APIs (trusting the playground's CA when they serve HTTPS).</summary>
    public HttpClient ApiClient(TimeSpan timeout) => Keel.Os.Tls.ClientTls.For(ClientTls, timeout);

    /// <summary>Every password and token of this playground, for the checks that none leaks.</summary>
    public IReadOnlyList<string> Secrets => [ApiToken, ReplicationPasswordInUse, AdminPasswordInUse, AppPassword];

    /// <summary>A new random secret: 32 hex digits (128 bits) after a readable prefix.</summary>
    public static string NewSecret(string prefix) => prefix + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>Each member in its own network namespace (`keel up --isolated-hosts`), so NICs can be cut.</summary>
    public bool IsolatedHosts { get; init; }

    /// <summary>The network lab holding the namespaces (see Keel.Network), while it exists.</summary>
    public string? LabRunId { get; init; }

    /// <summary>The bridge address in the root namespace: etcd for the agents in their namespaces.</summary>
    public string? SwitchAddress { get; init; }

    /// <summary>
    /// How many etcd members the playground runs: three by default, as production would; 1 in playgrounds saved
    /// before etcd ran as a cluster. Member i (from 0) listens on EtcdClientPort + 2i and EtcdPeerPort + 2i.
    /// </summary>
    public int EtcdSize { get; init; } = 1;

    /// <summary>`clone.max_rate_mb` for every agent (tests slow clones down to fault them mid-stream); null: unlimited.</summary>
    public int? CloneMaxRateMb { get; init; }

    /// <summary>`backup.schedule` for every agent (a duration or a cron expression); null: backups only on request.</summary>
    public string? BackupSchedule { get; init; }

    /// <summary>`backup.retention.count` for every agent; null: every backup is kept.</summary>
    public int? BackupRetentionCount { get; init; }

    /// <summary>`backup.verify`: each backup taken is restored and checked at once.</summary>
    public bool BackupVerify { get; init; }

    /// <summary>Galera mode (`keel up --galera`): MariaDB Galera nodes instead of replication members.</summary>
    public bool Galera { get; init; }

    /// <summary>A member's Galera group communication port (IST on + 1, SST on + 2): base + 41 + 3 * (server id - 1), after etcd's.</summary>
    public int GaleraPort(PlaygroundMember m) => BasePort + 41 + (3 * (m.ServerId - 1));

    /// <summary>Extra top-level YAML for every agent (tests: disk thresholds, binlog retention caps); null: none.</summary>
    public string? AgentYamlExtra { get; init; }

    /// <summary>mariadb_settings per member name (tests: a member's binlogs on a filesystem of their own); null: none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? MariadbSettings { get; init; }

    /// <summary>The etcd members: names, client and peer ports.</summary>
    public IReadOnlyList<PlaygroundEtcdMember> EtcdMembers =>
        [.. Enumerable.Range(0, EtcdSize).Select(i => new PlaygroundEtcdMember(EtcdSize == 1 ? "keel-playground" : $"e{i + 1}", EtcdClientPort + (2 * i), EtcdPeerPort + (2 * i)))];

    /// <summary>Every etcd client URL on loopback (for the CLI and the tests).</summary>
    public IReadOnlyList<Uri> EtcdUrls => [.. EtcdMembers.Select(m => new Uri($"{EtcdScheme}://{Host}:{m.ClientPort}"))];

    /// <summary>http or https: how etcd's clients reach it.</summary>
    public string EtcdScheme => TlsControlPlane ? "https" : "http";

    /// <summary>The etcd URLs the agents use: on the bridge address when members are isolated.</summary>
    public IReadOnlyList<string> AgentEtcdUrls => [.. EtcdMembers.Select(m => $"{EtcdScheme}://{SwitchAddress ?? Host}:{m.ClientPort}")];

    /// <summary>The embedded default: three members on loopback, ports from <paramref name="basePort"/> up.</summary>
    public static PlaygroundSpec Default(int basePort = 3400) => new(
        "playground",
        [
            new("m1", 1, basePort + 11, basePort + 21),
            new("m2", 2, basePort + 12, basePort + 22),
            new("m3", 3, basePort + 13, basePort + 23),
        ],
        EtcdClientPort: basePort + 31,
        EtcdPeerPort: basePort + 32,
        ReadWritePort: basePort + 1,
        ReadOnlyPort: basePort + 2,
        Ttl: "10s",
        LoopInterval: "1s",
        RequestTimeout: "2s",
        AppUser: "app",
        AppPassword: NewSecret("app"),
        AppDatabase: "app",
        ApiToken: Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)))
    {
        EtcdSize = 3,
        Tls = true,
        ReplicationPassword = NewSecret("repl"),
        AdminPassword = NewSecret("admin"),
    };

    public const string Host = "127.0.0.1";

    /// <summary>Ports this playground opens in the root namespace (isolated members open theirs in their own).</summary>
    public IEnumerable<int> AllPorts() =>
        (IsolatedHosts ? [] : Members.SelectMany(m => new[] { m.MySqlPort, m.ApiPort }))
            .Concat(EtcdMembers.SelectMany(e => new[] { e.ClientPort, e.PeerPort }))
            .Concat([ReadWritePort, ReadOnlyPort])
            .Concat(Galera && !IsolatedHosts ? Members.SelectMany(m => new[] { GaleraPort(m), GaleraPort(m) + 1, GaleraPort(m) + 2 }) : []);

    /// <summary>The base the default ports were counted from (read-write is base + 1).</summary>
    public int BasePort => ReadWritePort - 1;

    /// <summary>Members get server ids 1 to 9: MariaDB base + 10 + id, API base + 20 + id (etcd starts at base + 31).</summary>
    public const int MaxMembers = 9;

    /// <summary>The spec with one more member on loopback, or why it cannot have one.</summary>
    public (PlaygroundSpec? Spec, string? Error) WithMember(string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return (null, $"'{name}' is not a member name (letters, digits, '-' and '_')");
        }
        if (Members.Any(m => m.Name == name))
        {
            return (null, $"{name} is already a member");
        }
        if (IsolatedHosts)
        {
            return (null, "adding a member to a playground with isolated hosts is not supported yet (its network namespaces are made at `keel up`)");
        }
        var id = Enumerable.Range(1, MaxMembers).FirstOrDefault(i => Members.All(m => m.ServerId != i));
        if (id == 0)
        {
            return (null, $"the playground holds at most {MaxMembers} members");
        }
        return (this with { Members = [.. Members, new PlaygroundMember(name, id, BasePort + 10 + id, BasePort + 20 + id)] }, null);
    }

    public string ToJson() => JsonSerializer.Serialize(this, PlaygroundJson.Default.PlaygroundSpec);

    public static PlaygroundSpec FromJson(string json) =>
        JsonSerializer.Deserialize(json, PlaygroundJson.Default.PlaygroundSpec)
        ?? throw new InvalidDataException("the playground description is empty");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(PlaygroundSpec))]
internal sealed partial class PlaygroundJson : JsonSerializerContext;
