namespace Keel.Core.Galera;

/// <summary>
/// The etcd key galera/bootstrap, under the bootstrapping agent's lease: who starts a new Primary Component
/// (`--wsrep-new-cluster`), from which position, and whether an operator forced it. Created in a transaction only when
/// absent, so there is never a second bootstrap; the bootstrapper deletes it once its node is Synced.
/// </summary>
public sealed record GaleraBootstrapRecord(string Member, string? ClusterUuid, long Seqno, DateTimeOffset At, bool Forced = false);
