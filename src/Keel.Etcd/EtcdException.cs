namespace Keel.Etcd;

/// <summary>etcd answered with an error. <see cref="Code"/> is the gRPC status code when etcd gave one.</summary>
public class EtcdException : Exception
{
    public EtcdException() { }

    public EtcdException(string message) : base(message) { }

    public EtcdException(string message, Exception innerException) : base(message, innerException) { }

    public EtcdException(string message, int? code, Exception? innerException = null) : base(message, innerException) => Code = code;

    public int? Code { get; }
}

/// <summary>The lease has expired or was revoked (gRPC NotFound, "requested lease not found").</summary>
public sealed class EtcdLeaseNotFoundException : EtcdException
{
    /// <summary>gRPC NotFound, as etcd reports an unknown lease.</summary>
    private const int NotFoundCode = 5;

    public EtcdLeaseNotFoundException() : base("etcdserver: requested lease not found", NotFoundCode) { }

    public EtcdLeaseNotFoundException(string message) : base(message, NotFoundCode) { }

    public EtcdLeaseNotFoundException(string message, Exception innerException) : base(message, NotFoundCode, innerException) { }
}

/// <summary>
/// No endpoint gave an answer in time (refused, timed out, broken stream, or an Unavailable status when the cluster has no
/// leader). The outcome of a write is unknown: it may or may not have been applied.
/// </summary>
public sealed class EtcdUnavailableException : EtcdException
{
    public EtcdUnavailableException() { }

    public EtcdUnavailableException(string message) : base(message) { }

    public EtcdUnavailableException(string message, Exception innerException) : base(message, innerException) { }

    public EtcdUnavailableException(string message, int? code, Exception? innerException = null) : base(message, code, innerException) { }
}
