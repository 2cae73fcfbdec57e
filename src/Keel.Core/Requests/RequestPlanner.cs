using Keel.Core.Gtid;
using Keel.Core.Model;

namespace Keel.Core.Requests;

/// <summary>The answer to an operator's request: the request to write, or why it is refused (and nothing changes).</summary>
public sealed record RequestPlan(ClusterRequest? Request, string Message)
{
    public bool Accepted => Request is not null;

    public static RequestPlan Refuse(string why) => new(null, why);
}

/// <summary>The answer to `keel reinit`: accepted (the agent will act), or why not.</summary>
public sealed record ReinitPlan(bool Accepted, string Message);

/// <summary>
/// Checks a switchover or forced failover against the cluster as etcd holds it, before anything is written. Pure:
/// the CLI and the REST API both call it, and agents still re-check when they act.
/// </summary>
public static class RequestPlanner
{
    /// <summary>Re-cloning a member: never the primary (its data is the cluster's), never a member nobody knows.</summary>
    public static ReinitPlan PlanReinit(ClusterView view, string member, bool purgeOld = false)
    {
        if (view.Leader?.Name == member)
        {
            return new(false, $"{member} is the primary; switch over first (`keel switchover`), then re-clone it");
        }
        if (!view.Members.ContainsKey(member) && view.Roster?.Contains(member) != true)
        {
            return new(false, $"{member} is not a member of cluster (members: {string.Join(", ", view.Members.Keys.Order(StringComparer.Ordinal))})");
        }
        if (!view.Members.ContainsKey(member))
        {
            return new(false, $"{member}'s agent has published no state (down or cut off); only its agent can re-clone it");
        }
        return new(true, $"asked the agent of {member} to re-clone it: it stops its server, moves its datadir aside (kept), "
            + (purgeOld ? "removes the datadirs earlier re-clones moved aside, " : "") + "and clones from the best donor");
    }

    /// <summary>
    /// Adding a member to a cluster Keel does not run processes for: the name must be new. The member joins when its
    /// agent starts (it registers on the roster and clones itself by the clone rule).
    /// </summary>
    public static ReinitPlan PlanMemberAdd(ClusterView view, string member)
    {
        if (view.Members.ContainsKey(member) || view.Roster?.Contains(member) == true)
        {
            return new(false, $"{member} is already a member of the cluster");
        }
        return !view.IsInitialized
            ? new(false, "the cluster is not initialized yet; start its first members' agents before adding one")
            : new(true, $"{member} is a new name: start its agent with member.name: {member}; it registers, clones itself from the best donor and streams with semi-sync");
    }

    /// <summary>
    /// Removing a member from etcd's roster, so that no election waits for it: never the primary, never a member whose
    /// agent still runs (it would register again), never down to a single member.
    /// </summary>
    public static ReinitPlan PlanMemberRemove(ClusterView view, string member)
    {
        var known = view.Members.Keys.Union(view.Roster ?? []).ToHashSet(StringComparer.Ordinal);
        if (!known.Contains(member))
        {
            return new(false, $"{member} is not a member of the cluster (members: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
        }
        if (view.Leader?.Name == member)
        {
            return new(false, $"{member} is the primary; switch over first (`keel switchover`), then remove it");
        }
        if (view.Members.ContainsKey(member))
        {
            return new(false, $"the agent of {member} still runs and would register again; stop it first (on its host: systemctl stop keel-agent), then remove it");
        }
        return known.Count <= 2
            ? new(false, $"removing {member} would leave one member, and a primary needs a replica to acknowledge its commits")
            : new(true, $"removed {member} from etcd's roster: no election waits for it any more");
    }

    public static RequestPlan PlanSwitchover(ClusterView view, string? to, long maxLagSeconds, DateTimeOffset now)
    {
        view = PeerRecords.Readable(view).Readable;
        if (Busy(view, now) is { } busy)
        {
            return RequestPlan.Refuse(busy);
        }
        if (view.Leader is not { } leader || !view.Members.TryGetValue(leader.Name, out var primary)
            || primary.Server != ServerStatus.Running || primary.ReadOnly != false)
        {
            return RequestPlan.Refuse("there is no healthy primary to switch over from; if the primary is gone for good, use `keel failover --to MEMBER --force`");
        }

        string? Unfit(MemberState m) =>
            m.Tags.NoFailover ? $"{m.Name} is tagged nofailover"
            : m.Server != ServerStatus.Running ? $"the server of {m.Name} is not running"
            : m.DiskCritical ? $"the disk of {m.Name} is critically full ({m.Disk!.Describe()})"
            : !(m.IoRunning && m.SqlRunning && m.Following == leader.Name) ? $"{m.Name} is not streaming from the primary {leader.Name}"
            : m.LagSeconds is null ? $"the lag of {m.Name} is unknown"
            : m.LagSeconds > maxLagSeconds ? $"{m.Name} lags {m.LagSeconds} s behind the primary, more than the limit of {maxLagSeconds} s"
            : null;

        MemberState target;
        if (to is not null)
        {
            if (to == leader.Name)
            {
                return RequestPlan.Refuse($"{to} is already the primary");
            }
            if (!view.Members.TryGetValue(to, out var named))
            {
                return RequestPlan.Refuse($"{to} is unreachable: no agent of that name has published its state");
            }
            if (Unfit(named) is { } why)
            {
                return RequestPlan.Refuse($"cannot switch over to {to}: {why}");
            }
            target = named;
        }
        else
        {
            var fit = view.Members.Values.Where(m => m.Name != leader.Name && Unfit(m) is null)
                .OrderByDescending(m => GtidPosition.Parse(m.ReceivedPosition).TransactionCount)
                .ThenByDescending(m => m.Tags.Priority)
                .ThenBy(m => m.Name, StringComparer.Ordinal)
                .ToList();
            if (fit.Count == 0)
            {
                var reasons = view.Members.Values.Where(m => m.Name != leader.Name).Select(Unfit).OfType<string>();
                return RequestPlan.Refuse($"no member can take over: {string.Join("; ", reasons)}");
            }
            target = fit[0];
        }
        return new RequestPlan(new ClusterRequest(RequestKind.Switchover, leader.Name, target.Name, RequestPhase.Requested, now),
            $"switchover from {leader.Name} to {target.Name} requested");
    }

    public static RequestPlan PlanFailover(ClusterView view, string to, bool force, DateTimeOffset now)
    {
        (view, var unreadable) = PeerRecords.Readable(view);
        if (Busy(view, now) is { } busy)
        {
            return RequestPlan.Refuse(busy);
        }
        if (view.Leader is { } leader && view.Members.TryGetValue(leader.Name, out var primary)
            && primary.Server == ServerStatus.Running && primary.ReadOnly == false)
        {
            return RequestPlan.Refuse($"{leader.Name} is a healthy primary; use `keel switchover` for a planned, lossless change");
        }
        if (!view.Members.TryGetValue(to, out var target))
        {
            return RequestPlan.Refuse($"{to} is unreachable: no agent of that name has published its state");
        }
        if (target.Tags.NoFailover)
        {
            return RequestPlan.Refuse($"{to} is tagged nofailover");
        }
        if (target.Server != ServerStatus.Running)
        {
            return RequestPlan.Refuse($"the server of {to} is not running");
        }
        var mine = GtidPosition.Parse(target.ReceivedPosition);
        var losses = view.Members.Values.Where(m => m.Name != to)
            .Select(m => (m.Name, Beyond: GtidPosition.Parse(m.Role == MemberRole.Primary ? m.BinlogPosition : m.ReceivedPosition).TransactionsBeyond(mine)))
            .Where(x => x.Beyond > 0)
            .Select(x => $"{x.Name} has {x.Beyond} transaction(s) that {to} lacks")
            .Concat(unreadable.Select(name => $"what {name} holds is unknown (its published GTID position does not parse)"))
            .Concat(view.Members.Values.Where(m => m.Name != to && m.Name != view.LastLeader && m.Server != ServerStatus.Running)
                .Select(m => $"what {m.Name} holds is unknown (its server is not running; it may have received more than it last reported)"))
            .Concat(view.Silent.Where(name => name != to && name != view.LastLeader)
                .Select(name => $"what {name} holds is unknown (its agent has published no state)"))
            .ToList();
        var risk = losses.Count == 0
            ? $"{to} has every transaction the other members reported; nothing known is lost"
            : $"these may be lost: {string.Join("; ", losses)}";
        if (!force)
        {
            return RequestPlan.Refuse($"a forced failover to {to} is not lossless by design; {risk}. Repeat with --force to go ahead");
        }
        return new RequestPlan(new ClusterRequest(RequestKind.Failover, view.Leader?.Name, to, RequestPhase.Requested, now),
            $"forced failover to {to} requested; {risk}");
    }

    /// <summary>One request at a time. Maintenance mode does not block requests: pausing stops automatic action only.</summary>
    private static string? Busy(ClusterView view, DateTimeOffset now) =>
        view.Request is { } r && r.IsLive(now) ? $"a {(r.Kind == RequestKind.Switchover ? "switchover" : "failover")} to {r.To} is already in progress"
        : null;
}
