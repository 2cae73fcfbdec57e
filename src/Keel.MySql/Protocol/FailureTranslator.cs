using System.Net.Sockets;

namespace Keel.MySql.Protocol;

/// <summary>
/// Maps what can go wrong mid-exchange to the client's exception contract. The caller's own
/// cancellation wins (OperationCanceledException), then our deadline (MySqlTimeoutException), then
/// transport and protocol failures (MySqlConnectionException). The order matters because a deadline
/// that fires mid-receive can surface as a SocketException or ObjectDisposedException, not only as
/// OperationCanceledException.
/// </summary>
internal static class FailureTranslator
{
    /// <summary>Returns the exception to throw, or null when <paramref name="ex"/> should propagate unchanged.</summary>
    public static Exception? Translate(
        Exception ex, string endpoint, string operation, TimeSpan timeout, CancellationToken callerToken, CancellationToken deadlineToken)
    {
        if (ex is MySqlServerException or MySqlConnectionException or MySqlTimeoutException)
        {
            return null;
        }

        if (callerToken.IsCancellationRequested)
        {
            return ex is OperationCanceledException oce && oce.CancellationToken == callerToken
                ? null
                : new OperationCanceledException($"{endpoint}: {operation} cancelled", ex, callerToken);
        }

        if (deadlineToken.IsCancellationRequested)
        {
            return new MySqlTimeoutException($"{endpoint}: {operation} timed out after {timeout.TotalMilliseconds:0} ms", ex);
        }

        return ex switch
        {
            SocketException s => new MySqlConnectionException($"{endpoint}: {operation} failed: {s.SocketErrorCode}: {s.Message}", ex),
            EndOfStreamException or IOException or ObjectDisposedException or MalformedPacketException
                => new MySqlConnectionException($"{endpoint}: {operation} failed: {ex.Message}", ex),
            _ => null,
        };
    }
}
