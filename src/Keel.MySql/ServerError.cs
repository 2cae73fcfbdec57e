using Driver = MySqlConnector;

namespace Keel.MySql;

/// <summary>Tells an error the server sent (an ERR packet) from one MySqlConnector raised itself.</summary>
internal static class ServerError
{
    /// <summary>
    /// Only ERR packets carry an SQLSTATE, and server error numbers start at 1000. The driver's own
    /// failures have none, or code 0 ("Failed to read the result set" after a KILL of the connection).
    /// </summary>
    public static bool IsFromServer(Driver.MySqlException ex) => ex.SqlState is not null && ex.Number >= 1000;

    public static MySqlServerException From(Driver.MySqlException ex) =>
        new(ex.Number, ex.SqlState ?? "HY000", ex.Message, ex);
}
