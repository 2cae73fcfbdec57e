using System.Text.Json.Serialization;

namespace Keel.Etcd.Wire;

internal sealed record WatchCreateRequestDto
{
    [JsonPropertyName("key")] public required byte[] Key { get; init; }
    [JsonPropertyName("range_end")] public byte[]? RangeEnd { get; init; }
    [JsonPropertyName("start_revision")] public long StartRevision { get; init; }
}

internal sealed record WatchRequestDto
{
    [JsonPropertyName("create_request")] public required WatchCreateRequestDto CreateRequest { get; init; }
}

internal sealed record EventDto
{
    /// <summary>Absent for PUT (the proto default), "DELETE" for deletes.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("kv")] public KeyValueDto? Kv { get; init; }
}

internal sealed record WatchResponseDto
{
    [JsonPropertyName("header")] public ResponseHeaderDto? Header { get; init; }
    [JsonPropertyName("created")] public bool Created { get; init; }
    [JsonPropertyName("canceled")] public bool Canceled { get; init; }
    [JsonPropertyName("compact_revision")] public long CompactRevision { get; init; }
    [JsonPropertyName("cancel_reason")] public string? CancelReason { get; init; }
    [JsonPropertyName("events")] public EventDto[]? Events { get; init; }
}

/// <summary>One line of the /v3/watch response stream.</summary>
internal sealed record WatchEnvelopeDto
{
    [JsonPropertyName("result")] public WatchResponseDto? Result { get; init; }
    [JsonPropertyName("error")] public StreamErrorDto? Error { get; init; }
}
