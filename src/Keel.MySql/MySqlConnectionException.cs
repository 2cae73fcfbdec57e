namespace Keel.MySql;

/// <summary>
/// Transport or protocol failure: refused, reset, EOF mid-packet, an authentication exchange we cannot
/// follow. The connection (if any) is broken afterwards.
/// </summary>
public sealed class MySqlConnectionException : MySqlException
{
    public MySqlConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
