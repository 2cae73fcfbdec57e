namespace Keel.Core.Model;

/// <summary>This agent's session lease, as its keepalive sees it.</summary>
public sealed record LeaseView(long LeaseId, DateTimeOffset ExpiresNoEarlierThan, bool IsLost);
