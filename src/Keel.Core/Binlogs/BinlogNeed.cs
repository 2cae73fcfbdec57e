using Keel.Core.Gtid;

namespace Keel.Core.Binlogs;

/// <summary>
/// Someone who may read this member's binlogs from <see cref="Position"/> on: another member (if this one becomes
/// primary, it replicates from here) or the binlog archiver. <see cref="Live"/>: its agent publishes now (a member
/// whose server is stopped counts, since it comes back from the position it had), or the archiver runs. A live need
/// is never purged; a down member's (last seen) is kept only within the caps. <see cref="Position"/> null: a live
/// reader whose position is unknown, so nothing may be purged.
/// </summary>
public sealed record BinlogNeed(string Who, GtidPosition? Position, bool Live);
