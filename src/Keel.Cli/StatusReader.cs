using Keel.Agent.Store;
using Keel.Core.Status;
using Keel.Etcd;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>Status of a cluster plus the playground's endpoints, when it is one.</summary>
internal sealed record StatusReport(ClusterStatus Status, string? ReadWrite, string? ReadOnly, string? EtcdError);

internal static class StatusReader
{
    public static Task<StatusReport> ReadPlaygroundAsync(PlaygroundLayout layout, PlaygroundSpec spec, CancellationToken ct) =>
        ReadAsync(spec.Cluster, spec.EtcdUrls, spec.ClientTls,
            spec.Members.Select(m => (m.Name, $"{m.Address}:{m.MySqlPort}")),
            $"{PlaygroundSpec.Host}:{spec.ReadWritePort}", $"{PlaygroundSpec.Host}:{spec.ReadOnlyPort}", ct);

    public static async Task<StatusReport> ReadAsync(string cluster, IReadOnlyList<Uri> etcdEndpoints, Keel.Os.Tls.ClientTls? tls,
        IEnumerable<(string, string)> expected, string? rw, string? ro, CancellationToken ct)
    {
        using var etcd = new EtcdClient(new EtcdClientOptions { Endpoints = etcdEndpoints, Tls = tls });
        var store = new ClusterStore(etcd, new KeyLayout(cluster));
        try
        {
            var view = await store.ReadAsync(ct);
            return new StatusReport(ClusterStatus.From(cluster, view, expected), rw, ro, null);
        }
        catch (EtcdException ex)
        {
            var empty = new ClusterStatus(cluster, null, [], [$"etcd is unreachable at {string.Join(", ", etcdEndpoints)}: {ex.Message}"]);
            return new StatusReport(empty, rw, ro, ex.Message);
        }
    }
}
