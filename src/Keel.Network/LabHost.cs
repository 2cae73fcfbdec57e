namespace Keel.Network;

/// <summary>
/// One simulated machine of a <see cref="NetworkLab"/>: a network namespace whose NIC
/// (<paramref name="NamespaceInterface"/>, holding <paramref name="Address"/>/24) is one end of a veth pair; the
/// other end (<paramref name="HostInterface"/>) sits in the root namespace, enslaved to the lab's bridge.
/// </summary>
public sealed record LabHost(string Name, string Namespace, string Address, string HostInterface, string NamespaceInterface);
