using System.Net.Sockets;
using Driver = MySqlConnector;

namespace Keel.MySql;

/// <summary>
/// Maps what can go wrong in a MySqlConnector call to Keel's exception contract. The caller's own
/// cancellation wins (OperationCanceledException), then Keel's deadline (MySqlTimeoutException), then
/// what the server said (MySqlServerException), then transport failures (MySqlConnectionException).
/// The order matters: a socket closed under an abandoned call surfaces as an I/O error, not as a timeout.
/// </summary>
internal static class FailureTranslator
{
    /// <summary>Returns the exception to throw, or null when <paramref name="ex"/> should propagate unchanged.</summary>
    public static Exception? Translate(
        Exception ex, string endpoint, string operation, TimeSpan timeout, CancellationToken callerToken, CancellationToken deadlineToken)
    {
        if (ex is MySqlException)
        {
            return null;
        }

        if (callerToken.IsCancellationRequested)
        {
            return ex is OperationCanceledException oce && oce.CancellationToken == callerToken
                ? null
                : new OperationCanceledException($"{endpoint}: {operation} cancelled", ex, callerToken);
        }

        if (deadlineToken.IsCancellationRequested || ex is Driver.MySqlException { ErrorCode: Driver.MySqlErrorCode.CommandTimeoutExpired })
        {
            return new MySqlTimeoutException($"{endpoint}: {operation} timed out after {timeout.TotalMilliseconds:0} ms", ex);
        }

        return ex switch
        {
            Driver.MySqlException driver when ServerError.IsFromServer(driver) => ServerError.From(driver),
            Driver.MySqlException driver => new MySqlConnectionException($"{endpoint}: {operation} failed: {Describe(driver)}", ex),
            SocketException s => new MySqlConnectionException($"{endpoint}: {operation} failed: {s.SocketErrorCode}: {s.Message}", ex),
            IOException or ObjectDisposedException or InvalidOperationException
                => new MySqlConnectionException($"{endpoint}: {operation} failed: {ex.Message}", ex),
            _ => null,
        };
    }

    // The driver's own message is often generic ("Unable to connect to any of the specified MySQL hosts",
    // "Failed to read the result set"); the cause below it says what happened on the wire.
    private static string Describe(Driver.MySqlException ex)
    {
        var cause = ex.InnerException;
        while (cause?.InnerException is not null && cause is not SocketException and not EndOfStreamException)
        {
            cause = cause.InnerException;
        }

        return cause switch
        {
            null => ex.Message,
            SocketException s => $"{ex.Message} ({s.SocketErrorCode}: {s.Message})",
            EndOfStreamException => $"{ex.Message} (the server closed the connection: {cause.Message})",
            _ => $"{ex.Message} ({cause.Message})",
        };
    }
}
