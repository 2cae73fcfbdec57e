using Keel.Agent.Ha;
using Keel.Core.Model;

namespace Keel.Agent.Api;

/// <summary>
/// The answers HAProxy's checks get, computed from the last tick and the clock at request time: a primary whose
/// lease is about to run out stops answering 200 at once, without waiting for the next tick.
/// </summary>
public static class HealthRules
{
    public static bool IsPrimary(TickResult? t, DateTimeOffset now) =>
        t is not null
        && Fresh(t, now)
        && t.GaleraServes is null or true
        // Galera multi-writer: every serving node takes writes (Galera certifies them); else only the key holder.
        && (t.GaleraMultiWriter || t.Snapshot.Cluster?.Leader?.Name == t.Snapshot.Self.Name)
        && t.Snapshot.Local.IsWritable
        && t.Snapshot.Lease is { IsLost: false } lease
        && lease.ExpiresNoEarlierThan - now > t.Snapshot.Timing.DemoteMargin;

    public static bool IsStreamingReplica(TickResult? t, DateTimeOffset now)
    {
        if (t?.GaleraServes is { } serves)
        {
            // Galera: every serving node but the writer takes reads (every one in multi-writer mode); a node outside
            // the Primary Component none.
            return serves && Fresh(t, now) && (t.GaleraMultiWriter || t.Snapshot.Cluster?.Leader?.Name != t.Snapshot.Self.Name);
        }
        if (t is null || !Fresh(t, now) || t.Snapshot.Local is not { Status: ServerStatus.Running, ReadOnly: true, Replication: { IoRunning: true, SqlRunning: true } r })
        {
            return false;
        }
        var leader = t.Snapshot.Cluster?.Leader;
        return leader is not null
            && t.Snapshot.Cluster!.Members.TryGetValue(leader.Name, out var l)
            && l.Host == r.SourceHost && l.Port == r.SourcePort;
    }

    public static bool IsHealthy(TickResult? t, DateTimeOffset now) =>
        t is not null && Fresh(t, now) && t.Snapshot.Local.Status == ServerStatus.Running && t.GaleraServes is null or true;

    public static bool IsLive(TickResult? t, DateTimeOffset now) => t is not null && Fresh(t, now);

    /// <summary>A tick older than this means the loop is stuck: nothing it said can be trusted any more.</summary>
    private static bool Fresh(TickResult t, DateTimeOffset now) =>
        now - t.At < 3 * t.Snapshot.Timing.LoopInterval + 2 * t.Snapshot.Timing.RequestTimeout;
}
