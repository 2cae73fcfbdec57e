using Keel.Agent.Store;
using Keel.Core.Model;
using Keel.Core.Requests;

namespace Keel.Agent.Requests;

/// <summary>
/// What the CLI and the REST API may do: check a request with <see cref="RequestPlanner"/>, and write it to etcd
/// when it is accepted. They never touch MySQL; the agents carry requests out.
/// </summary>
public sealed class OperatorRequests
{
    private readonly ClusterStore _store;
    private readonly TimeProvider _time;

    public OperatorRequests(ClusterStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public Task<RequestPlan> SwitchoverAsync(string? to, long maxLagSeconds, CancellationToken ct) =>
        SubmitAsync(view => RequestPlanner.PlanSwitchover(view, to, maxLagSeconds, _time.GetUtcNow()), ct);

    public Task<RequestPlan> FailoverAsync(string to, bool force, CancellationToken ct) =>
        SubmitAsync(view => RequestPlanner.PlanFailover(view, to, force, _time.GetUtcNow()), ct);

    private async Task<RequestPlan> SubmitAsync(Func<ClusterView, RequestPlan> plan, CancellationToken ct)
    {
        var revision = await _store.RequestRevisionAsync(ct);
        var view = await _store.ReadAsync(ct);
        var result = plan(view);
        if (!result.Accepted)
        {
            return result;
        }
        return await _store.PutRequestAsync(result.Request!, revision, ct)
            ? result
            : RequestPlan.Refuse("another request was written at the same moment; look at `keel status` and try again");
    }

    /// <summary>Asks a replica's agent to re-clone it (its datadir is moved aside, never deleted); refused for the primary.</summary>
    public async Task<ReinitPlan> ReinitAsync(string member, CancellationToken ct, bool purgeOld = false)
    {
        var view = await _store.ReadAsync(ct);
        var plan = RequestPlanner.PlanReinit(view, member, purgeOld);
        if (plan.Accepted)
        {
            await _store.PutReinitAsync(member, _time.GetUtcNow(), purgeOld, ct);
        }
        return plan;
    }

    public async Task<string> SetPausedAsync(bool paused, CancellationToken ct)
    {
        await _store.SetPausedAsync(paused, ct);
        return paused
            ? "the cluster is paused: agents take no automatic action (a primary that cannot renew its lease still stops writes)"
            : "the cluster is resumed: agents act again";
    }

    /// <summary>Waits until <paramref name="target"/> is the writable primary and the request is gone.</summary>
    public async Task<bool> WaitForPrimaryAsync(string target, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (_time.GetUtcNow() < deadline)
        {
            var view = await _store.ReadAsync(ct);
            if (view.Leader?.Name == target && view.Members.TryGetValue(target, out var m) && m.ReadOnly == false && view.Request is null)
            {
                return true;
            }
            if (view.Request is null && view.Leader is { } other && other.Name != target
                && view.Members.TryGetValue(other.Name, out var o) && o.ReadOnly == false)
            {
                return false; // cancelled or abandoned: the old primary writes again
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct);
        }
        return false;
    }
}
