using k8s.Autorest;
using Keel.TestSupport;

namespace Keel.Kubernetes.Tests;

/// <summary>Pod labelling through the real KubernetesClient, against the in-process fake of the pod API (FakeKubernetesApi).</summary>
public sealed class PodLabelerTests
{
    [Fact]
    public async Task Labels_are_merged_onto_the_pod_and_move_from_primary_to_replica()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddPod("db", "keel-0");
        var labeler = new PodLabeler(PodLabeler.Client(api.Url, TimeSpan.FromSeconds(5)), "db", "keel-0");

        await labeler.ApplyAsync(new PodLabels("prod", Primary: true, Healthy: true), CancellationToken.None);
        Assert.Equal(new Dictionary<string, string> { ["keel.io/cluster"] = "prod", ["keel.io/role"] = "primary", ["keel.io/healthy"] = "true" }, api.Labels("db", "keel-0"));

        await labeler.ApplyAsync(new PodLabels("prod", Primary: false, Healthy: false), CancellationToken.None);
        Assert.Equal("replica", api.Labels("db", "keel-0")["keel.io/role"]);
        Assert.Equal("false", api.Labels("db", "keel-0")["keel.io/healthy"]);
        Assert.Equal(2, api.Patches);
    }

    [Fact]
    public async Task A_pod_the_api_does_not_know_is_an_error_with_the_api_status()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var labeler = new PodLabeler(PodLabeler.Client(api.Url, TimeSpan.FromSeconds(5)), "db", "nobody");
        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => labeler.ApplyAsync(new PodLabels("prod", true, true), CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.Response.StatusCode);
    }
}
