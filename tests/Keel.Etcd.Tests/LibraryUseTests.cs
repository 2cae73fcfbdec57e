using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Keel.Etcd.Tests;

/// <summary>What Keel.Etcd may take from dotnet-etcd (checked on the built assembly, no server).</summary>
public sealed class LibraryUseTests
{
    /// <summary>
    /// Only the generated protobuf messages and service stubs: dotnet-etcd's own EtcdClient, WatchManager and
    /// Watcher print to stdout (reconnection messages) and reconnect by rules of their own.
    /// </summary>
    [Fact]
    public void Keel_Etcd_uses_no_type_from_the_dotnet_etcd_namespace()
    {
        using var file = File.OpenRead(typeof(EtcdClient).Assembly.Location);
        using var pe = new PEReader(file);
        var md = pe.GetMetadataReader();

        var used = md.TypeReferences
            .Select(h => md.GetTypeReference(h))
            .Select(t => $"{md.GetString(t.Namespace)}.{md.GetString(t.Name)}")
            .ToList();

        Assert.Contains(used, name => name.StartsWith("Etcdserverpb.", StringComparison.Ordinal));
        Assert.DoesNotContain(used, name => name.StartsWith("dotnet_etcd", StringComparison.Ordinal));
    }
}
