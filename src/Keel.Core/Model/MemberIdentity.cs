namespace Keel.Core.Model;

/// <summary>The static facts about a member that come from its configuration.</summary>
public sealed record MemberIdentity(string Name, string Host, int Port, string ApiUrl, MemberTags Tags);
