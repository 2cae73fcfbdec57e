namespace Keel.Core.Binlogs;

/// <summary>
/// The `binlogs` section: binlogs are kept until they are older than <see cref="MaxAge"/> or the newest of them add up
/// to more than <see cref="MaxBytes"/>, and never while a live member or the archiver still needs them. Null: no cap of
/// that kind. The server's own expiry (expire_logs_days) knows nothing of the archiver or of members that are
/// down, so Keel purges instead.
/// </summary>
public sealed record BinlogRetentionPolicy(long? MaxBytes, TimeSpan? MaxAge)
{
    public static readonly BinlogRetentionPolicy Default = new(null, TimeSpan.FromDays(7));
}
