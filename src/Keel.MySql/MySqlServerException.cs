namespace Keel.MySql;

/// <summary>
/// The server answered with an ERR packet. The command is over and the connection stays usable
/// (unless the error came during the handshake, where there is no connection yet).
/// </summary>
public sealed class MySqlServerException : MySqlException
{
    public MySqlServerException(int code, string sqlState, string serverMessage, Exception? innerException = null)
        : base($"MariaDB error {code} ({sqlState}): {serverMessage}", innerException)
    {
        Code = code;
        SqlState = sqlState;
    }

    /// <summary>Server error number, e.g. 1045 (access denied), 1064 (syntax).</summary>
    public int Code { get; }

    /// <summary>Five-character SQLSTATE, "HY000" when the server did not send one.</summary>
    public string SqlState { get; }
}
