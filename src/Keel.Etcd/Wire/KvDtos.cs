using System.Text.Json.Serialization;

namespace Keel.Etcd.Wire;

// Shapes of etcd 3.4's v3 JSON gateway (protobuf JSON): bytes are base64, int64 are strings, and a field that is
// false or zero is left out of responses, so every field here defaults to "absent".

internal sealed record ResponseHeaderDto
{
    [JsonPropertyName("revision")] public long Revision { get; init; }
}

internal sealed record KeyValueDto
{
    [JsonPropertyName("key")] public byte[]? Key { get; init; }
    [JsonPropertyName("create_revision")] public long CreateRevision { get; init; }
    [JsonPropertyName("mod_revision")] public long ModRevision { get; init; }
    [JsonPropertyName("version")] public long Version { get; init; }
    [JsonPropertyName("value")] public byte[]? Value { get; init; }
    [JsonPropertyName("lease")] public long Lease { get; init; }
}

internal sealed record RangeRequestDto
{
    [JsonPropertyName("key")] public required byte[] Key { get; init; }
    [JsonPropertyName("range_end")] public byte[]? RangeEnd { get; init; }
    [JsonPropertyName("count_only")] public bool? CountOnly { get; init; }
}

internal sealed record RangeResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }
    [JsonPropertyName("kvs")] public KeyValueDto[]? Kvs { get; init; }
    [JsonPropertyName("count")] public long Count { get; init; }
}

internal sealed record PutRequestDto
{
    [JsonPropertyName("key")] public required byte[] Key { get; init; }
    [JsonPropertyName("value")] public required byte[] Value { get; init; }
    [JsonPropertyName("lease")] public long? Lease { get; init; }
}

internal sealed record PutResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }
}

internal sealed record DeleteRangeRequestDto
{
    [JsonPropertyName("key")] public required byte[] Key { get; init; }
    [JsonPropertyName("range_end")] public byte[]? RangeEnd { get; init; }
}

internal sealed record DeleteRangeResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }
    [JsonPropertyName("deleted")] public long Deleted { get; init; }
}
