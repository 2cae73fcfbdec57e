using Keel.Agent.Api;
using Keel.Agent.Ha;
using Keel.Agent.Logging;
using Keel.Kubernetes;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Kubernetes;

/// <summary>
/// Keeps this member's pod labelled with what the agent's own health endpoints say (HealthRules): role primary only
/// while this member is the writable leaseholder, healthy while it is that or a streaming replica. It looks at the
/// last tick every <see cref="Interval"/> (memory only) and calls the API only when the labels change. A primary cut
/// off from the API keeps its label, but its server is read-only by then (its lease lapsed), so the Service routes
/// writes to a server that refuses them, never to a second writer.
/// </summary>
public sealed class PodLabelWorker(PodLabeler labeler, string cluster, string member, AgentStatus status, TimeProvider time, ILogger log)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private PodLabels? _applied;

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await SyncAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>The labels this member's state calls for now.</summary>
    public PodLabels Wanted()
    {
        var now = time.GetUtcNow();
        var primary = HealthRules.IsPrimary(status.Latest, now);
        return new PodLabels(cluster, primary, primary || HealthRules.IsStreamingReplica(status.Latest, now));
    }

    /// <summary>One pass: patches the pod when its labels should change; true when it did.</summary>
    public async Task<bool> SyncAsync(CancellationToken ct)
    {
        var wanted = Wanted();
        if (wanted == _applied)
        {
            return false;
        }
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(CallTimeout);
            await labeler.ApplyAsync(wanted, cts.Token);
            _applied = wanted;
            log.PodLabelled(member, labeler.Namespace, labeler.Pod, wanted.ToString());
            return true;
        }
        catch (Exception ex) when (ex is k8s.Autorest.HttpOperationException or HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            log.PodNotLabelled(member, labeler.Namespace, labeler.Pod, wanted.ToString(), ex is OperationCanceledException ? $"no answer within {CallTimeout.TotalSeconds:0} s" : ex.Message);
            return false;
        }
    }
}
