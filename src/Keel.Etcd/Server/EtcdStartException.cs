namespace Keel.Etcd.Server;

/// <summary>etcd exited or did not answer in time while starting; the message carries the tail of its log.</summary>
public sealed class EtcdStartException : Exception
{
    public EtcdStartException() { }

    public EtcdStartException(string message) : base(message) { }

    public EtcdStartException(string message, Exception innerException) : base(message, innerException) { }
}
