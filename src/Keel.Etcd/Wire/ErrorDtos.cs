using System.Text.Json.Serialization;

namespace Keel.Etcd.Wire;

/// <summary>Body of a non-2xx answer to a unary call: {"error": "...", "message": "...", "code": 5}.</summary>
internal sealed record GatewayErrorDto
{
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("code")] public int? Code { get; init; }
}

/// <summary>An error inside a streaming answer (status 200 was already sent): {"error": {"grpc_code": 14, ...}}.</summary>
internal sealed record StreamErrorDto
{
    [JsonPropertyName("grpc_code")] public int GrpcCode { get; init; }
    [JsonPropertyName("http_code")] public int HttpCode { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}
