using Grpc.Core;

namespace Keel.Etcd.Grpc;

/// <summary>Turns gRPC failures into Keel's exceptions: etcd's definite answers, or "no answer" (outcome unknown).</summary>
internal static class GrpcErrors
{
    /// <summary>
    /// Unavailable ("no leader", "leader changed", connection refused or reset), DeadlineExceeded ("request timed
    /// out"), Internal and Unknown (a broken stream) and a Cancelled that the caller did not ask for all leave the
    /// outcome unknown (the request may or may not have been applied); anything else is etcd's definite answer.
    /// </summary>
    public static EtcdException Classify(Uri endpoint, RpcException ex)
    {
        var code = ex.StatusCode;
        var detail = string.IsNullOrEmpty(ex.Status.Detail) ? code.ToString() : ex.Status.Detail;
        if (code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled)
        {
            return new EtcdUnavailableException($"{endpoint}: {detail}", (int)code, ex);
        }

        // NotFound is also used for members and users, but only lease ids reach it through the calls Keel makes.
        if (code == StatusCode.NotFound && detail.Contains("lease", StringComparison.OrdinalIgnoreCase))
        {
            return new EtcdLeaseNotFoundException(detail, ex);
        }

        return new EtcdException(detail, (int)code, ex);
    }

    /// <summary>The call's deadline passed (a frozen or hung member): Grpc.Net.Client reports it as a cancellation.</summary>
    public static EtcdUnavailableException NoAnswer(Uri endpoint, TimeSpan timeout, Exception ex) =>
        new($"{endpoint}: no answer within {timeout.TotalMilliseconds:0} ms", (int)StatusCode.DeadlineExceeded, ex);

    /// <summary>Any other transport failure that reached us unwrapped.</summary>
    public static EtcdUnavailableException Broken(Uri endpoint, Exception ex) =>
        new($"{endpoint}: {ex.Message}", (int)StatusCode.Unavailable, ex);

    /// <summary>
    /// True if the failure shows the request never reached the server: the connection could not be made (refused,
    /// unresolvable, or SocketsHttpHandler.ConnectTimeout, the only TimeoutException on this path).
    /// </summary>
    public static bool NeverSent(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e is RpcException rpc ? rpc.Status.DebugException ?? rpc.InnerException : e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
                or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One failure as it is, several as one exception that names every endpoint.</summary>
    public static EtcdUnavailableException Combine(IReadOnlyList<EtcdUnavailableException> failures) => failures.Count == 1
        ? failures[0]
        : new EtcdUnavailableException(
            "no etcd endpoint answered: " + string.Join("; ", failures.Select(f => f.Message)),
            failures[^1].Code,
            new AggregateException(failures));
}
