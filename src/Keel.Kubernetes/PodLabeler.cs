using System.Text.Json;
using k8s;
using k8s.Models;

namespace Keel.Kubernetes;

/// <summary>Writes an agent's labels onto its own pod with a JSON merge patch (only the three keys; others are untouched).</summary>
public sealed class PodLabeler(IKubernetes client, string podNamespace, string pod)
{
    public string Pod => pod;

    public string Namespace => podNamespace;

    /// <summary>For an agent in a pod: the service account's token and CA (in-cluster), or an explicit API address.</summary>
    public static IKubernetes Client(Uri? api, TimeSpan timeout)
    {
        var config = api is null ? KubernetesClientConfiguration.InClusterConfig() : new KubernetesClientConfiguration { Host = api.ToString() };
        config.HttpClientTimeout = timeout;
        return new k8s.Kubernetes(config);
    }

    public async Task ApplyAsync(PodLabels labels, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object> { ["labels"] = labels.ToDictionary() },
        });
        await client.CoreV1.PatchNamespacedPodAsync(new V1Patch(body, V1Patch.PatchType.MergePatch), pod, podNamespace, cancellationToken: ct);
    }
}
