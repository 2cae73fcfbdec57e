using System.Text.Json.Serialization;

namespace Keel.Etcd.Wire;

// The lease messages use the proto field names as they are ("ID", "TTL"), not snake_case.

internal sealed record LeaseGrantRequestDto
{
    [JsonPropertyName("TTL")] public long Ttl { get; init; }
}

internal sealed record LeaseGrantResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }
    [JsonPropertyName("ID")] public long Id { get; init; }
    [JsonPropertyName("TTL")] public long Ttl { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
}

/// <summary>Body of keepalive and revoke: just the lease id.</summary>
internal sealed record LeaseIdRequestDto
{
    [JsonPropertyName("ID")] public long Id { get; init; }
}

internal sealed record LeaseKeepAliveResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }
    [JsonPropertyName("ID")] public long Id { get; init; }

    /// <summary>Absent (0) when the lease is unknown: that is how etcd says "not found" on this stream.</summary>
    [JsonPropertyName("TTL")] public long Ttl { get; init; }
}

/// <summary>Keepalive is a gRPC stream, so the gateway wraps each message as {"result": ...} or {"error": ...}.</summary>
internal sealed record LeaseKeepAliveEnvelopeDto
{
    [JsonPropertyName("result")] public LeaseKeepAliveResponseDto? Result { get; init; }
    [JsonPropertyName("error")] public StreamErrorDto? Error { get; init; }
}

internal sealed record LeaseRevokeResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }
}
