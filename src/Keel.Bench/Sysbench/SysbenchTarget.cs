namespace Keel.Bench.Sysbench;

/// <summary>The server and schema sysbench connects to (TCP only: the bench measures the client path).</summary>
public sealed record SysbenchTarget(string Host, int Port, string User, string Password, string Database)
{
    /// <summary>
    /// Connect over TLS: a directory holding cacert.pem, client-cert.pem and client-key.pem, the fixed names sysbench
    /// 1.0's --mysql-ssl=on reads from its working directory; null: plain text.
    /// </summary>
    public string? TlsDirectory { get; init; }

    /// <summary>"user@host:port/db"; never the password, because targets end up in exception messages and logs.</summary>
    public override string ToString() => $"{User}@{Host}:{Port}/{Database}";
}
