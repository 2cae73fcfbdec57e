using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Etcd.Wire;

namespace Keel.Etcd.Http;

/// <summary>Turns the gateway's error answers into Keel's exceptions.</summary>
internal static class GatewayErrors
{
    private const int GrpcDeadlineExceeded = 4;
    private const int GrpcNotFound = 5;
    private const int GrpcUnavailable = 14;

    /// <summary>
    /// 5xx (the gateway's mapping of Unavailable, DeadlineExceeded, Internal and Unknown: "no leader", "request timed
    /// out", "leader changed") means the outcome is unknown; a 4xx is etcd's definite answer.
    /// </summary>
    public static EtcdException Classify(Uri endpoint, int? grpcCode, int httpStatus, string message)
    {
        if (httpStatus >= 500 || grpcCode is GrpcUnavailable or GrpcDeadlineExceeded)
        {
            return new EtcdUnavailableException($"{endpoint}: {message}", grpcCode);
        }

        // NotFound is also used for members and users, but only lease ids reach it through the calls Keel makes.
        if (grpcCode == GrpcNotFound && message.Contains("lease", StringComparison.OrdinalIgnoreCase))
        {
            return new EtcdLeaseNotFoundException(message);
        }

        return new EtcdException(message, grpcCode);
    }

    public static EtcdException FromResponse(Uri endpoint, HttpStatusCode status, byte[] body)
    {
        GatewayErrorDto? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, WireJsonContext.Default.GatewayErrorDto);
        }
        catch (JsonException)
        {
            // Not the gateway's JSON (e.g. a plain "Not Found" for an unknown path): report the raw text.
        }

        var text = error?.Message ?? error?.Error;
        if (string.IsNullOrEmpty(text))
        {
            text = $"HTTP {(int)status}: {Encoding.UTF8.GetString(body).Trim()}";
        }

        return Classify(endpoint, error?.Code, (int)status, text);
    }

    public static EtcdException FromStream(Uri endpoint, StreamErrorDto error) =>
        Classify(endpoint, error.GrpcCode, error.HttpCode, error.Message ?? $"stream error, gRPC code {error.GrpcCode}");
}
