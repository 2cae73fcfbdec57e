namespace Keel.MySql.Server;

/// <summary>Where one local mariadbd keeps its files and how it listens.</summary>
public sealed record MariaDbServerOptions
{
    /// <summary>The server's datadir; created if missing.</summary>
    public required string DataDir { get; init; }

    /// <summary>Holds my.cnf, the socket, the pid file and the error log. Keep it short: socket paths are limited to 107 bytes.</summary>
    public required string RunDir { get; init; }

    public required int Port { get; init; }

    public required int ServerId { get; init; }

    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// Extra [mysqld] settings; a key here replaces the default of the same name ('-' and '_' are the
    /// same to mariadbd, and to this merge). An empty value writes a bare flag such as "skip-grant-tables".
    /// </summary>
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();
}
