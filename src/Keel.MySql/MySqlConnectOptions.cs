namespace Keel.MySql;

/// <summary>Where and how to connect. Immutable so a pool or a health checker can share one instance.</summary>
public sealed record MySqlConnectOptions
{
    /// <summary>TCP host (e.g. "127.0.0.1"); used when <see cref="UnixSocket"/> is null.</summary>
    public string? Host { get; init; }

    public int Port { get; init; } = 3306;

    /// <summary>Unix socket path; preferred over <see cref="Host"/> when set.</summary>
    public string? UnixSocket { get; init; }

    public required string User { get; init; }

    public string Password { get; init; } = "";

    public string? Database { get; init; }

    /// <summary>
    /// The CA (PEM file) that signed the server's certificate: TCP connections then use TLS and verify the server's
    /// certificate and name (VerifyFull). Null: plain text. Unix socket connections never use TLS.
    /// </summary>
    public string? TlsCa { get; init; }

    /// <summary>Bounds TCP connect + handshake + authentication together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Default bound for one query or ping, request and full response together.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>"user@host:port" or "user@unix:path"; never the password, because this ends up in logs.</summary>
    public override string ToString() =>
        UnixSocket is not null ? $"{User}@unix:{UnixSocket}" : $"{User}@{Host}:{Port}";
}
