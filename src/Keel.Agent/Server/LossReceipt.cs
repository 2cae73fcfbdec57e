using Keel.Core.Gtid;
using Keel.MySql.Server;

namespace Keel.Agent.Server;

/// <summary>
/// The loss receipt of a former primary's restart. Before its server starts (with --init-rpl-role=SLAVE, whose crash
/// recovery truncates the binlog tail no replica acknowledged), the last binlog file is copied aside; after the
/// start, the GTIDs of that copy which the server no longer has are the truncated transactions. They are named in the
/// agent's log and in `keel history`, and the copy is kept, so an operator can inspect them with mariadb-binlog or
/// re-apply them. When nothing was truncated the copy (Keel's own, not data) is removed again.
/// </summary>
public sealed class LossReceipt
{
    private readonly MariaDbServer _server;
    private readonly string _keptFile;

    private LossReceipt(MariaDbServer server, string keptFile)
    {
        _server = server;
        _keptFile = keptFile;
    }

    /// <summary>The folder receipts go to: beside the datadir, so the copy is on the same disk.</summary>
    public static string Folder(MariaDbServer server) =>
        Path.Combine(Path.GetDirectoryName(server.DataDir.TrimEnd(Path.DirectorySeparatorChar))!, "loss-receipts");

    /// <summary>Copies the last binlog file aside; null when there is none.</summary>
    public static LossReceipt? Prepare(MariaDbServer server, DateTimeOffset now)
    {
        var files = server.BinlogFiles();
        if (files.Count == 0 || !File.Exists(Path.Combine(server.DataDir, files[^1])))
        {
            return null;
        }
        var folder = Path.Combine(Folder(server), now.ToString("yyyyMMdd'T'HHmmss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var kept = Path.Combine(folder, files[^1]);
        File.Copy(Path.Combine(server.DataDir, files[^1]), kept, overwrite: true);
        return new LossReceipt(server, kept);
    }

    /// <summary>After the start: the sentence of the receipt, or null (and the copy removed) when nothing was truncated.</summary>
    public async Task<string?> CompleteAsync(GtidPosition after, CancellationToken ct)
    {
        // Crash recovery truncates the file in place at an event boundary, so what it threw away is the copy's tail
        // past the live file's new length: decode only that (a whole binlog can be hundreds of megabytes), and
        // nothing at all when the length did not change.
        var live = new FileInfo(Path.Combine(_server.DataDir, Path.GetFileName(_keptFile)));
        var keptLength = new FileInfo(_keptFile).Length;
        var start = live.Exists ? live.Length : 0;
        var lost = start >= keptLength
            ? []
            : TruncatedTransactions.Find(await _server.DecodeBinlogAsync(_keptFile, start, null, ct), after);
        var folder = Path.GetDirectoryName(_keptFile)!;
        if (lost.Count == 0)
        {
            Directory.Delete(folder, recursive: true);
            return null;
        }
        var gtids = string.Join(",", lost);
        var text = $"loss receipt: crash recovery truncated {lost.Count} transaction(s) no replica had acknowledged ({gtids}); their events are kept in {_keptFile} (read them with mariadb-binlog; the server is now at {after})";
        await File.WriteAllTextAsync(Path.Combine(folder, "receipt.txt"), text + Environment.NewLine, ct);
        return text;
    }
}
