namespace Keel.Core.Model;

/// <summary>
/// The leader key: who may be primary. <see cref="CreateRevision"/> is the fencing token: it changes only when a
/// new holder creates the key, so a conditional write on it fails for a former leader.
/// </summary>
public sealed record LeaderRecord(string Name, long LeaseId, long CreateRevision);
