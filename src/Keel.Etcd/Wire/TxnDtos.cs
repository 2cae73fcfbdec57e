using System.Text.Json.Serialization;

namespace Keel.Etcd.Wire;

internal sealed record CompareDto
{
    /// <summary>EQUAL, GREATER, LESS or NOT_EQUAL.</summary>
    [JsonPropertyName("result")] public required string Result { get; init; }

    /// <summary>VERSION, CREATE, MOD, VALUE or LEASE; exactly one operand field below is set to match.</summary>
    [JsonPropertyName("target")] public required string Target { get; init; }

    [JsonPropertyName("key")] public required byte[] Key { get; init; }
    [JsonPropertyName("version")] public long? Version { get; init; }
    [JsonPropertyName("create_revision")] public long? CreateRevision { get; init; }
    [JsonPropertyName("mod_revision")] public long? ModRevision { get; init; }
    [JsonPropertyName("value")] public byte[]? Value { get; init; }
    [JsonPropertyName("lease")] public long? Lease { get; init; }
}

internal sealed record RequestOpDto
{
    [JsonPropertyName("request_range")] public RangeRequestDto? RequestRange { get; init; }
    [JsonPropertyName("request_put")] public PutRequestDto? RequestPut { get; init; }
    [JsonPropertyName("request_delete_range")] public DeleteRangeRequestDto? RequestDeleteRange { get; init; }
}

internal sealed record TxnRequestDto
{
    [JsonPropertyName("compare")] public required CompareDto[] Compare { get; init; }
    [JsonPropertyName("success")] public required RequestOpDto[] Success { get; init; }
    [JsonPropertyName("failure")] public required RequestOpDto[] Failure { get; init; }
}

internal sealed record ResponseOpDto
{
    [JsonPropertyName("response_range")] public RangeResponseDto? ResponseRange { get; init; }
    [JsonPropertyName("response_put")] public PutResponseDto? ResponsePut { get; init; }
    [JsonPropertyName("response_delete_range")] public DeleteRangeResponseDto? ResponseDeleteRange { get; init; }
}

internal sealed record TxnResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }

    /// <summary>Absent (false) when the failure branch ran.</summary>
    [JsonPropertyName("succeeded")] public bool Succeeded { get; init; }

    [JsonPropertyName("responses")] public ResponseOpDto[]? Responses { get; init; }
}
