namespace Keel.MySql.Server;

/// <summary>
/// A local server could not be brought up: mariadb-install-db failed, or mariadbd exited or stayed
/// unreachable during start. The message carries the tool output or the tail of the error log.
/// </summary>
public sealed class MariaDbStartException : Exception
{
    public MariaDbStartException()
    {
    }

    public MariaDbStartException(string message)
        : base(message)
    {
    }

    public MariaDbStartException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
