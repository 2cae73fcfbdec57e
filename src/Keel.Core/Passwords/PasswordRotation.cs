namespace Keel.Core.Passwords;

/// <summary>Which step of a password rotation the primary is asked to carry out.</summary>
public enum RotationPhase
{
    /// <summary>The account accepts the old and the new password (MariaDB's `IDENTIFIED VIA ... OR ...`).</summary>
    Both,

    /// <summary>The account accepts only the new password.</summary>
    NewOnly,
}

/// <summary>
/// A password rotation in progress (etcd key <c>password-rotation</c>), written by `keel rotate-password` one phase at a
/// time and carried out by the primary's agent with one binlogged ALTER USER, so that every member gets it by
/// replication. It holds the two passwords' mysql_native_password hashes (what mysql.global_priv and the binlog hold
/// anyway), never a password, and is deleted when the rotation ends. <see cref="AppliedAt"/> is the primary's GTID
/// position right after the phase's statement; null while the phase is still to be done.
/// </summary>
public sealed record PasswordRotation(string Account, string User, RotationPhase Phase, string NewHash, string OldHash, DateTimeOffset At,
    string? AppliedAt = null, string? AppliedBy = null)
{
    public bool IsApplied => AppliedAt is not null;

    /// <summary>The ALTER USER statement of this phase (hashes are checked by <see cref="NativePassword.IsHash"/> before use).</summary>
    public string Statement(string account) => Phase == RotationPhase.Both
        ? $"ALTER USER {account} IDENTIFIED VIA mysql_native_password USING '{NewHash}' OR mysql_native_password USING '{OldHash}'"
        : $"ALTER USER {account} IDENTIFIED VIA mysql_native_password USING '{NewHash}'";

    public bool HashesAreValid => NativePassword.IsHash(NewHash) && NativePassword.IsHash(OldHash);
}
