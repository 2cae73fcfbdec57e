namespace Keel.MySql;

/// <summary>Base of every failure this client reports, so callers can catch one type.</summary>
public class MySqlException : Exception
{
    public MySqlException()
    {
    }

    public MySqlException(string message)
        : base(message)
    {
    }

    public MySqlException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
