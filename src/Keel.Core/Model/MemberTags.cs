namespace Keel.Core.Model;

/// <summary>Per-member hints for elections: never promote a <see cref="NoFailover"/> member; higher priority wins ties.</summary>
public sealed record MemberTags(bool NoFailover = false, int Priority = 100)
{
    public static readonly MemberTags Default = new();
}
