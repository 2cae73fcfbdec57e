using System.Globalization;
using Keel.Core.Backup.Archive;
using Keel.Core.Gtid;
using Keel.MySql;

namespace Keel.Agent.Backup.Archive;

/// <summary>What the archiver asks the primary: its binlog files, their sizes, and the position each began at.</summary>
public static class PrimaryBinlogs
{
    /// <summary>SHOW BINARY LOGS: file names and sizes, oldest first.</summary>
    public static async Task<IReadOnlyList<(string File, long Size)>> ListAsync(MySqlConnection c, CancellationToken ct) =>
        [.. (await c.QueryAsync("SHOW BINARY LOGS", ct)).Rows.Select(r => (r[0] ?? "", long.Parse(r[1] ?? "0", CultureInfo.InvariantCulture)))];

    /// <summary>Each file with its Gtid_list event ("[0-1-5]"): the position the primary was at when it began the file.</summary>
    public static async Task<IReadOnlyList<PrimaryBinlog>> WithStartsAsync(MySqlConnection c, CancellationToken ct)
    {
        var files = new List<PrimaryBinlog>();
        foreach (var (file, _) in await ListAsync(c, ct))
        {
            var events = await c.QueryAsync($"SHOW BINLOG EVENTS IN {MySqlText.Quote(file)} LIMIT 4", ct);
            var list = events.Rows.FirstOrDefault(r => r["Event_type"] == "Gtid_list")?["Info"] ?? "[]";
            files.Add(new PrimaryBinlog(file, GtidPosition.Parse(list.Trim('[', ']', ' '))));
        }
        return files;
    }
}
