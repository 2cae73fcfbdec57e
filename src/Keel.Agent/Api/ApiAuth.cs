using System.Security.Cryptography;
using System.Text;
using Keel.Agent.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Api;

/// <summary>
/// The token check of every mutating endpoint, the clone stream and the network doctor: a constant-time compare (of
/// SHA-256 digests, so that not even the length leaks through timing), failures logged with the client's address
/// (never the token sent) and rate-limited per address. Over HTTPS, a client certificate from the cluster's CA (for
/// client authentication) stands in for the token: <paramref name="clients"/> says which CA.
/// </summary>
public sealed class ApiAuth(string? token, string member, TimeProvider time, ILogger? log = null, Keel.Os.Tls.CaTrust? clients = null)
{
    private readonly byte[]? _expected = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes("Bearer " + token));

    public FailedAuthLimiter Limiter { get; } = new();

    /// <summary>Null when the request carries the token; otherwise the answer that refuses it.</summary>
    public IResult? Denied(HttpRequest request)
    {
        if (clients is not null && request.HttpContext.Connection.ClientCertificate is { } certificate && clients.Vouches(certificate, forClients: true))
        {
            return null;
        }
        if (_expected is null)
        {
            return Results.Text("this agent has no api.token configured, so it accepts no changes\n", statusCode: StatusCodes.Status403Forbidden);
        }
        var address = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var now = time.GetUtcNow();
        var wait = Limiter.RetryAfter(address, now);
        if (wait > TimeSpan.Zero)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Text($"too many failed authentications from {address}; try again in {seconds} s\n", statusCode: StatusCodes.Status429TooManyRequests);
        }
        var sent = SHA256.HashData(Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString()));
        if (CryptographicOperations.FixedTimeEquals(sent, _expected))
        {
            Limiter.Succeeded(address);
            return null;
        }
        var failures = Limiter.Failed(address, now);
        log?.AuthenticationFailed(member, request.Method, request.Path.ToString(), address, failures);
        return Results.Text(clients is null
            ? "missing or wrong token (send Authorization: Bearer <api.token>)\n"
            : "missing or wrong token (send Authorization: Bearer <api.token>, or a client certificate from the cluster's CA)\n", statusCode: StatusCodes.Status401Unauthorized);
    }
}
