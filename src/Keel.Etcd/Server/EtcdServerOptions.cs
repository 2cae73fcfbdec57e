namespace Keel.Etcd.Server;

/// <summary>A single-member etcd on 127.0.0.1, for tests and the local playground.</summary>
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
