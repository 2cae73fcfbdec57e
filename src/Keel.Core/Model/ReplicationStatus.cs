using Keel.Core.Gtid;

namespace Keel.Core.Model;

/// <summary>The parts of <c>SHOW SLAVE STATUS</c> and the GTID variables that decisions read.</summary>
public sealed record ReplicationStatus(
    string? SourceHost,
    int? SourcePort,
    bool IoRunning,
    bool SqlRunning,
    GtidPosition ReceivedPosition,
    long? SecondsBehindSource,
    int LastIoErrno,
    string LastIoError,
    int LastSqlErrno,
    string LastSqlError)
{
    /// <summary>Error 1236 from the source: this server has transactions the source does not (it diverged).</summary>
    public bool HasDiverged => LastIoErrno == 1236 || LastSqlErrno == 1950;
}
