namespace Keel.Etcd;

/// <summary>Where etcd's v3 gRPC API listens and how long one request may take.</summary>
public sealed record EtcdClientOptions
{
    /// <summary>Client URLs (e.g. http://127.0.0.1:2379), tried in order; the client sticks to the one that last answered.</summary>
    public required IReadOnlyList<Uri> Endpoints { get; init; }

    /// <summary>Budget for one request against one endpoint; a call that fails over may take this once per endpoint.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>For https:// endpoints: the CA that signed etcd's certificate, and the client certificate etcd asks for.</summary>
    public Keel.Os.Tls.ClientTls? Tls { get; init; }
}
