using Keel.Core.Gtid;
using Keel.Core.Model;

namespace Keel.Core.Decisions;

/// <summary>
/// Who should become primary, as one pure sort (the CloudNativePG way): only running, read-only members that may
/// fail over, no longer replicate and are not at the critical disk level (a primary that fills its disk at once
/// stops); then most received transactions first (an acknowledgement means "in a
/// replica's relay log", so the most received holds every acknowledged commit), then the former primary whose server
/// never went down (when it holds as much as anyone, keeping it is no failover at all: etcd can drop every lease at
/// once, e.g. a paused etcd leader that resumes revokes them, etcd issue 15247), then any member but a former primary
/// that crashed and came back (at equal data a crash fails over, to a server that did not just crash, whatever the
/// names), then priority, then name so that every agent computes the same order.
/// </summary>
public static class CandidateRanking
{
    public static bool IsEligible(MemberState m) =>
        m.Server == ServerStatus.Running && m.ReadOnly == true && !m.Tags.NoFailover && !m.IoRunning && !m.DiskCritical;

    public static IReadOnlyList<MemberState> Rank(IEnumerable<MemberState> members, string? formerPrimary = null) =>
        members.Where(IsEligible)
            .OrderByDescending(m => GtidPosition.Parse(m.ReceivedPosition).TransactionCount)
            .ThenByDescending(m => m.Name == formerPrimary && m.PrimaryServerIntact)
            .ThenBy(m => m.Name == formerPrimary && !m.PrimaryServerIntact)
            .ThenByDescending(m => m.Tags.Priority)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
}
