using Keel.Core.Binlogs;
using Keel.Core.Gtid;
using Keel.Core.Model;

namespace Keel.Agent.Binlogs;

/// <summary>
/// Who reads this member's binlogs, from the HA loop's latest view of the cluster: every other member (each could
/// follow this one after a failover) and the binlog archiver. It remembers the last position each one had, for members
/// whose server is stopped (they resume from where they were) and for members and an archiver that went away.
/// </summary>
public sealed class BinlogNeeds(string self, bool archiving)
{
    private readonly Dictionary<string, GtidPosition> _lastSeen = new(StringComparer.Ordinal);
    private GtidPosition? _archiveLastSeen;

    public IReadOnlyList<BinlogNeed> From(ClusterView cluster)
    {
        var needs = new List<BinlogNeed>();
        foreach (var m in cluster.Members.Values.Where(m => m.Name != self))
        {
            // Its own binlog position is what it has applied: a replica resumes from there (gtid_slave_pos).
            if (m.Server == ServerStatus.Running && GtidPosition.TryParse(m.BinlogPosition, out var applied) && !applied.IsEmpty)
            {
                _lastSeen[m.Name] = applied;
            }
            // A stopped server never seen running by this agent: the received position its agent last read. On restart
            // its agent applies the leftover relay log up to there before it replicates again.
            else if (!_lastSeen.ContainsKey(m.Name) && GtidPosition.TryParse(m.ReceivedPosition, out var received) && !received.IsEmpty)
            {
                _lastSeen[m.Name] = received;
            }
            needs.Add(new BinlogNeed(m.Name, _lastSeen.GetValueOrDefault(m.Name), Live: true));
        }
        foreach (var name in cluster.Silent.Where(n => n != self))
        {
            if (_lastSeen.TryGetValue(name, out var last))
            {
                needs.Add(new BinlogNeed(name, last, Live: false));
            }
        }
        if (archiving)
        {
            needs.AddRange(Archiver(cluster.Archive));
        }
        return needs;
    }

    private IEnumerable<BinlogNeed> Archiver(Keel.Core.Backup.Archive.ArchiveStatus? archive)
    {
        if (archive?.LastGtid is { } last && GtidPosition.TryParse(last, out var position))
        {
            _archiveLastSeen = position;
        }
        if (archive is { Primary: not null })
        {
            // A running archiver that has archived nothing yet reads from the primary's oldest binlog on: unknown.
            yield return new BinlogNeed("the binlog archiver", _archiveLastSeen, Live: true);
        }
        else if (_archiveLastSeen is { } seen)
        {
            // No archiver runs: the next one resumes from the newest archived transaction.
            yield return new BinlogNeed("the binlog archiver (not running)", seen, Live: true);
        }
    }
}
