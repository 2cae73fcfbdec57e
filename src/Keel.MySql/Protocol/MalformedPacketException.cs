namespace Keel.MySql.Protocol;

/// <summary>
/// The bytes on the wire do not fit the protocol. Raised deep in the parsers without endpoint
/// context; the connection turns it into a <see cref="MySqlConnectionException"/> naming the server.
/// </summary>
internal sealed class MalformedPacketException : Exception
{
    public MalformedPacketException(string message)
        : base(message)
    {
    }
}
