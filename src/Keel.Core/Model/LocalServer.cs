using Keel.Core.Gtid;

namespace Keel.Core.Model;

/// <summary>
/// One probe of the local server, taken at the start of a tick. <see cref="SemiSyncClients"/> is how many semi-sync
/// replicas are connected to it (Rpl_semi_sync_master_clients), null when not read.
/// </summary>
public sealed record LocalServer(
    ServerStatus Status,
    int? Pid,
    bool? ReadOnly,
    GtidPosition BinlogPosition,
    GtidPosition SlavePosition,
    ReplicationStatus? Replication,
    bool? SemiSyncActive,
    string? ProbeError,
    int? SemiSyncClients = null)
{
    public static LocalServer Stopped(int? pid = null, string? why = null) =>
        new(ServerStatus.Stopped, pid, null, GtidPosition.Empty, GtidPosition.Empty, null, null, why);

    public static LocalServer Unknown(int? pid, string why) =>
        new(ServerStatus.Unknown, pid, null, GtidPosition.Empty, GtidPosition.Empty, null, null, why);

    /// <summary>Semi-sync's average wait for an acknowledgement per transaction (Rpl_semi_sync_master_tx_avg_wait_time), in microseconds; null when not read.</summary>
    public long? SemiSyncAvgWaitMicros { get; init; }

    /// <summary>
    /// The fingerprint (<see cref="Passwords.PasswordFingerprint"/>) of the password replication uses at its next
    /// connect (what the last CHANGE MASTER stored); null without replication or when it could not be read.
    /// </summary>
    public string? SourcePasswordFingerprint { get; init; }

    public bool IsWritable => Status == ServerStatus.Running && ReadOnly == false;

    /// <summary>Replication is configured and the IO thread runs or is (re)connecting.</summary>
    public bool IsReplicating => Replication is { IoRunning: true };

    /// <summary>Everything this server has received: its own binlog and, on a replica, the relay log.</summary>
    public GtidPosition ReceivedPosition =>
        Replication is null ? BinlogPosition : BinlogPosition.Union(Replication.ReceivedPosition);
}
