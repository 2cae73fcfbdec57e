namespace Keel.Etcd;

/// <summary>One cluster member as etcd lists it: its name and the URLs its peers reach it on.</summary>
internal sealed record EtcdMember(string Name, string[] PeerUrls);
