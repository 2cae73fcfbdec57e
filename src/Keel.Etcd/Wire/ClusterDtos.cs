using System.Text.Json.Serialization;

namespace Keel.Etcd.Wire;

internal sealed record EmptyRequestDto;

internal sealed record MemberDto
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("peerURLs")] public string[]? PeerUrls { get; init; }
    [JsonPropertyName("clientURLs")] public string[]? ClientUrls { get; init; }
}

internal sealed record MemberListResponseDto
{
    [JsonPropertyName("members")] public MemberDto[]? Members { get; init; }
}
