using Keel.Core.Gtid;

namespace Keel.Core.Binlogs;

/// <summary>One of the local server's binlog files: name, size, the position the server was at when it began the file (its Gtid_list), and when it was last written.</summary>
public sealed record LocalBinlogFile(string Name, long Size, GtidPosition Start, DateTimeOffset LastWritten);
