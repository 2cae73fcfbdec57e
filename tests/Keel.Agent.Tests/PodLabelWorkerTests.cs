using Keel.Agent.Ha;
using Keel.Agent.Kubernetes;
using Keel.Kubernetes;
using Keel.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using static Keel.Agent.Tests.Ticks;

namespace Keel.Agent.Tests;

/// <summary>The agent's pod labels follow its health endpoints' answers, through the real client and the fake pod API.</summary>
public sealed class PodLabelWorkerTests
{
    [Fact]
    public async Task The_pod_is_labelled_primary_only_while_the_member_is_the_writable_leaseholder_and_patched_only_on_change()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddPod("db", "keel-0");
        var time = new Clock { Now = Now };
        var status = new AgentStatus();
        var worker = new PodLabelWorker(new PodLabeler(PodLabeler.Client(api.Url, TimeSpan.FromSeconds(5)), "db", "keel-0"), "prod", "m1", status, time, NullLogger.Instance);

        // No tick yet: not healthy, not primary.
        Assert.True(await worker.SyncAsync(CancellationToken.None));
        Assert.Equal("replica", api.Labels("db", "keel-0")[PodLabels.RoleLabel]);
        Assert.Equal("false", api.Labels("db", "keel-0")[PodLabels.HealthyLabel]);

        status.Update(Tick(writable: true, leader: "m1", Now.AddSeconds(9)));
        Assert.True(await worker.SyncAsync(CancellationToken.None));
        Assert.Equal(new Dictionary<string, string> { ["keel.io/cluster"] = "prod", ["keel.io/role"] = "primary", ["keel.io/healthy"] = "true" }, api.Labels("db", "keel-0"));
        Assert.False(await worker.SyncAsync(CancellationToken.None)); // unchanged: no call
        Assert.Equal(2, api.Patches);

        // The lease runs out without a renewal: the label goes before the lease does, as /primary's answer does.
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.True(await worker.SyncAsync(CancellationToken.None));
        Assert.Equal("replica", api.Labels("db", "keel-0")[PodLabels.RoleLabel]);

        // Another member leads and this one streams from it: a healthy replica.
        status.Update(Tick(writable: false, leader: "m2", time.GetUtcNow().AddSeconds(9), From(3302), at: time.GetUtcNow()));
        Assert.True(await worker.SyncAsync(CancellationToken.None));
        Assert.Equal("true", api.Labels("db", "keel-0")[PodLabels.HealthyLabel]);
        Assert.Equal("replica", api.Labels("db", "keel-0")[PodLabels.RoleLabel]);
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;

        public void Advance(TimeSpan by) => Now += by;
    }

    [Fact]
    public async Task An_api_that_refuses_is_tried_again_at_the_next_pass()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var status = new AgentStatus();
        var worker = new PodLabelWorker(new PodLabeler(PodLabeler.Client(api.Url, TimeSpan.FromSeconds(5)), "db", "keel-1"), "prod", "m1", status, TimeProvider.System, NullLogger.Instance);
        Assert.False(await worker.SyncAsync(CancellationToken.None)); // 404: the pod is not there (yet)
        api.AddPod("db", "keel-1");
        Assert.True(await worker.SyncAsync(CancellationToken.None));
        Assert.Equal("prod", api.Labels("db", "keel-1")[PodLabels.ClusterLabel]);
    }
}
