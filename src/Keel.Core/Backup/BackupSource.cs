using Keel.Core.Gtid;
using Keel.Core.Model;

namespace Keel.Core.Backup;

/// <summary>
/// Where a backup is taken: a healthy streaming replica (least lag, then name), so that the primary keeps its whole
/// capacity for clients; the primary only when no replica streams. An operator's --from names a member, which must
/// run a server.
/// </summary>
public static class BackupSource
{
    public static (string? Member, string Reason) Choose(ClusterView view, string? requested)
    {
        var leader = view.Leader?.Name;
        if (requested is not null)
        {
            return !view.Members.TryGetValue(requested, out var m) ? (null, $"{requested} is not a member that publishes its state (members: {string.Join(", ", view.Members.Keys.Order(StringComparer.Ordinal))})")
                : m.Server != ServerStatus.Running ? (null, $"the server of {requested} is not running")
                : (requested, $"{requested} was asked for");
        }
        if (leader is null || !view.Members.TryGetValue(leader, out var primary))
        {
            return (null, "there is no primary right now, so no member is known to hold every transaction");
        }
        var top = GtidPosition.Parse(primary.BinlogPosition);
        var replica = view.Members.Values
            .Where(m => m.Name != leader && m.Server == ServerStatus.Running && m.IoRunning && m.SqlRunning && m.Following == leader)
            .OrderBy(m => top.TransactionsBeyond(GtidPosition.Parse(m.ReceivedPosition)))
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return replica is not null
            ? (replica.Name, $"{replica.Name} is the healthy streaming replica with the least lag, so the primary serves no backup")
            : primary.Server == ServerStatus.Running
                ? (leader, $"no replica streams, so the primary {leader} takes it")
                : (null, $"no replica streams and the primary {leader} has no running server");
    }
}
