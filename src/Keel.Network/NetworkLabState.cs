using System.Text.Json.Serialization;

namespace Keel.Network;

/// <summary>
/// What a lab leaves on disk (one JSON file per run under <see cref="LabStateStore.Directory"/>) so that another
/// process can reopen it (`keel chaos nic-down` after `keel up --isolated-hosts`) and so that a later run can tell a
/// crashed owner's leftovers from a live lab: the lab is live while the owner pid runs with the same start time.
/// </summary>
public sealed record NetworkLabState(
    string RunId,
    int OwnerPid,
    long OwnerStartTime,
    int SubnetOctet,
    string Bridge,
    IReadOnlyList<LabHost> Hosts,
    IReadOnlyList<LabProcess> Processes)
{
    [JsonIgnore]
    public string Subnet => LabNames.Subnet(SubnetOctet);

    [JsonIgnore]
    public string SwitchAddress => LabNames.SwitchAddress(SubnetOctet);

    [JsonIgnore]
    public bool OwnerAlive => ProcessIdentity.IsAlive(OwnerPid, OwnerStartTime);
}
