using System.Text.RegularExpressions;

namespace Keel.Core.Gtid;

/// <summary>
/// Which transactions a former primary's crash recovery threw away: the GTIDs its last binlog file held before the
/// restart that its binlog position no longer contains after it. With AFTER_SYNC semi-sync none of them was ever
/// acknowledged to a client, but an operator may still want them: the loss receipt lists them.
/// </summary>
public static partial class TruncatedTransactions
{
    /// <summary>The GTIDs in <paramref name="decodedBinlog"/> (mariadb-binlog output) beyond <paramref name="after"/>, in binlog order.</summary>
    public static IReadOnlyList<Gtid> Find(string decodedBinlog, GtidPosition after) =>
        GtidEvent().Matches(decodedBinlog)
            .Select(m => Gtid.Parse(m.Groups[1].Value))
            .Where(g => !after.Contains(GtidPosition.Of(g)))
            .Distinct()
            .ToList();

    // mariadb-binlog prints each GTID event's header as "... GTID 0-1-5 trans" (or "GTID 0-1-5 ddl"); the Gtid_list
    // event reads "Gtid list [...]" and does not match.
    [GeneratedRegex(@"\sGTID (\d+-\d+-\d+)\b")]
    private static partial Regex GtidEvent();
}
