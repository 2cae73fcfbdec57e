namespace Keel.Agent.Galera;

/// <summary>
/// The `galera` section (with `mode: galera`): <see cref="Port"/> is this node's group communication port (IST on
/// port + 1, SST on port + 2), <see cref="Peers"/> every node's host:port (wsrep_cluster_address), how long a full-outage
/// recovery waits for nodes that may be more advanced, whether a Donor node serves reads, and whether every serving
/// node takes writes (<see cref="MultiWriter"/>; by default only the writer key holder does).
/// </summary>
public sealed record GaleraConfig(int Port, IReadOnlyList<string> Peers, TimeSpan RecoveryWait, bool DonorServes, bool MultiWriter = false)
{
    public const string Provider = "/usr/lib/galera/libgalera_smm.so";

    public Keel.Core.Galera.GaleraOptions Options => new(RecoveryWait, DonorServes);
}
