namespace Keel.MySql;

/// <summary>Connect or command did not finish within its timeout. The connection is broken afterwards.</summary>
public sealed class MySqlTimeoutException : MySqlException
{
    public MySqlTimeoutException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
