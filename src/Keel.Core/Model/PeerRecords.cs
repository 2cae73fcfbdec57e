using System.Collections.Immutable;
using Keel.Core.Gtid;

namespace Keel.Core.Model;

/// <summary>
/// A member record is another agent's input: one whose GTID positions do not parse is that peer's problem, not the
/// cluster's. Decisions set it aside (as if that peer had not published) instead of throwing, which would stall every
/// agent's elections on one bad record.
/// </summary>
public static class PeerRecords
{
    /// <summary>The view without unreadable member records, and the names of those set aside (sorted).</summary>
    public static (ClusterView Readable, IReadOnlyList<string> SetAside) Readable(ClusterView view)
    {
        var bad = view.Members.Values.Where(m => !IsReadable(m)).Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        // Set aside from the roster too: a bad record is that peer's problem and must not block elections as "silent".
        return bad.Count == 0 ? (view, bad) : (view with { Members = view.Members.RemoveRange(bad), Roster = view.Roster?.Except(bad) }, bad);
    }

    public static bool IsReadable(MemberState m) =>
        GtidPosition.TryParse(m.BinlogPosition, out _) && GtidPosition.TryParse(m.ReceivedPosition, out _);

    /// <summary>The clause a decision's reason gains when records were set aside.</summary>
    public static string Note(IReadOnlyList<string> setAside) =>
        $" (set aside the published state of {string.Join(", ", setAside)}: its GTID position does not parse)";
}
