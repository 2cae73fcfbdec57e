namespace Keel.Kubernetes;

/// <summary>
/// The labels an agent keeps on its own pod: the Services NAME-rw (keel.io/role=primary, keel.io/healthy=true) and
/// NAME-ro (keel.io/role=replica, keel.io/healthy=true) select on them, so routing inside Kubernetes needs no HAProxy.
/// </summary>
public sealed record PodLabels(string Cluster, bool Primary, bool Healthy)
{
    public const string ClusterLabel = "keel.io/cluster";
    public const string RoleLabel = "keel.io/role";
    public const string HealthyLabel = "keel.io/healthy";

    public string Role => Primary ? "primary" : "replica";

    public IReadOnlyDictionary<string, string> ToDictionary() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ClusterLabel] = Cluster,
        [RoleLabel] = Role,
        [HealthyLabel] = Healthy ? "true" : "false",
    };

    public override string ToString() => $"{RoleLabel}={Role}, {HealthyLabel}={(Healthy ? "true" : "false")}";
}
