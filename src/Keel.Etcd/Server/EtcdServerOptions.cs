namespace Keel.Etcd.Server;

/// <summary>
/// One etcd member on 127.0.0.1, for tests and the local playground: alone by default, or one of a cluster whose
/// members are all named in <see cref="InitialCluster"/>.
/// </summary>
public sealed record EtcdServerOptions
{
    private readonly string? _logFile;

    public required string DataDir { get; init; }

    public required int ClientPort { get; init; }

    public required int PeerPort { get; init; }

    public string Name { get; init; } = "keel-etcd";

    /// <summary>
    /// Another local address clients may use besides 127.0.0.1 (the playground's bridge address when members run
    /// in their own network namespaces).
    /// </summary>
    public string? ExtraClientAddress { get; init; }

    /// <summary>
    /// Every member of the cluster as name and peer URL, this one included; empty for a single-member etcd. Read only
    /// when the data dir is new: a member that already has data remembers its cluster.
    /// </summary>
    public IReadOnlyList<EtcdPeer> InitialCluster { get; init; } = [];

    /// <summary>etcd's --initial-cluster value: every member as name=peer URL (this one alone for a single etcd).</summary>
    public string InitialClusterArgument => InitialCluster.Count == 0
        ? $"{Name}=http://127.0.0.1:{PeerPort}"
        : string.Join(',', InitialCluster.Select(p => $"{p.Name}={p.PeerUrl}"));

    /// <summary>etcd's --initial-cluster-token: what makes the cluster's identity (a snapshot restore must use the same).</summary>
    public string ClusterToken => InitialCluster.Count == 0 ? Name : string.Join('-', InitialCluster.Select(p => p.Name));

    /// <summary>
    /// A cgroup v2 directory etcd is started in (created if missing), so that a test can cut this one member off the
    /// network with an iptables cgroup match; null: the launcher's own cgroup.
    /// </summary>
    public string? Cgroup { get; init; }

    /// <summary>
    /// Clients over TLS with a certificate from the CA (--client-cert-auth): etcd's own certificate, key and the CA,
    /// and the certificate this launcher shows when it checks that etcd serves. Null: plain http. Peer traffic stays
    /// plain (the members talk over loopback).
    /// </summary>
    public EtcdServerTls? Tls { get; init; }

    /// <summary>etcd's output; by default etcd.log beside the data directory (DataDir/../etcd.log).</summary>
    public string LogFile
    {
        get => _logFile ?? Path.Combine(ParentOf(DataDir), "etcd.log");
        init => _logFile = value;
    }

    /// <summary>Written by the launcher with etcd's PID, beside the log file, so a later process can find it.</summary>
    internal string PidFile => Path.ChangeExtension(LogFile, ".pid");

    private static string ParentOf(string dir) =>
        Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))) ?? "/";
}

/// <summary>One member of an etcd cluster as the others know it.</summary>
public sealed record EtcdPeer(string Name, int PeerPort)
{
    public string PeerUrl => $"http://127.0.0.1:{PeerPort}";
}

/// <summary>etcd's server certificate and key (PEM), the CA its clients' certificates must chain to, and a client certificate for the launcher's own checks.</summary>
public sealed record EtcdServerTls(string CertFile, string KeyFile, string CaFile, Keel.Os.Tls.ClientTls Client);
