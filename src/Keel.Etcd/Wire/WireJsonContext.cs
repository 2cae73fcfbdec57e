using System.Text.Json.Serialization;

namespace Keel.Etcd.Wire;

/// <summary>
/// Source-generated (no reflection) serializers for the gateway. int64 are written as strings, as protobuf JSON
/// prescribes, so lease ids above 2^53 survive any JSON parser; nulls are left out so proto3 defaults apply.
/// </summary>
[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RangeRequestDto))]
[JsonSerializable(typeof(RangeResponseDto))]
[JsonSerializable(typeof(PutRequestDto))]
[JsonSerializable(typeof(PutResponseDto))]
[JsonSerializable(typeof(DeleteRangeRequestDto))]
[JsonSerializable(typeof(DeleteRangeResponseDto))]
[JsonSerializable(typeof(TxnRequestDto))]
[JsonSerializable(typeof(TxnResponseDto))]
[JsonSerializable(typeof(LeaseGrantRequestDto))]
[JsonSerializable(typeof(LeaseGrantResponseDto))]
[JsonSerializable(typeof(LeaseIdRequestDto))]
[JsonSerializable(typeof(LeaseKeepAliveEnvelopeDto))]
[JsonSerializable(typeof(LeaseRevokeResponseDto))]
[JsonSerializable(typeof(WatchRequestDto))]
[JsonSerializable(typeof(WatchEnvelopeDto))]
[JsonSerializable(typeof(GatewayErrorDto))]
[JsonSerializable(typeof(EmptyRequestDto))]
[JsonSerializable(typeof(MemberListResponseDto))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
