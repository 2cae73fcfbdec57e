namespace Keel.Core.Checksum;

/// <summary>
/// One member's answer for a run, read once it had applied the primary's end position: how many chunk rows of the
/// run it holds, and those that differ from the primary's values. <see cref="Error"/> says why there is no answer.
/// </summary>
public sealed record MemberChecksum(string Member, string? Position, int ChunksSeen, IReadOnlyList<ChunkResult> Differing, string? Error = null)
{
    public static MemberChecksum Failed(string member, string error) => new(member, null, 0, [], error);
}
