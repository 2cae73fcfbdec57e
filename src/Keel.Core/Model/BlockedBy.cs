namespace Keel.Core.Model;

/// <summary>Why a member does not take over while nobody holds the leader key: a code from <see cref="Decisions.Blockers"/> and the decision's sentence.</summary>
public sealed record BlockedBy(string Code, string Reason);
