using System.Globalization;

namespace Keel.Core.Doctor;

/// <summary>
/// MariaDB releases with bugs that break what Keel promises (lossless semi-sync, GTID replication, crash recovery,
/// backups, Galera consistency), each with the bug report and the first fixed release of every affected series.
/// Checked against the MariaDB release notes; <see cref="Entry.Severity"/> is Fail where the bug can lose or diverge
/// data silently, Warn where it stalls or breaks a feature Keel uses. A series missing from an entry was not affected,
/// or its fix could not be confirmed.
/// </summary>
public static class KnownBadVersions
{
    public sealed record Entry(string Bug, string Effect, Verdict Severity, IReadOnlyDictionary<string, string> FixedIn, IReadOnlyDictionary<string, string>? FirstBad = null)
    {
        public string Url => $"https://jira.mariadb.org/browse/{Bug}";
    }

    private static Dictionary<string, string> Fixed(params string[] versions) =>
        versions.ToDictionary(v => Series(Parse(v)!), v => v, StringComparer.Ordinal);

    public static readonly IReadOnlyList<Entry> All =
    [
        new("MDEV-35109", "with rpl_semi_sync_master_wait_point=AFTER_SYNC a commit can wait for another transaction's acknowledgement and hang for ever, stalling the primary",
            Verdict.Fail, Fixed("10.6.21", "10.11.11", "11.4.5"), Fixed("10.6.18", "10.11.8", "11.4.2")),
        new("MDEV-32960", "with several semi-sync replicas an acknowledged transaction can time out and switch semi-sync off: commits silently become asynchronous",
            Verdict.Fail, Fixed("10.6.17", "10.11.7", "11.1.4")),
        new("MDEV-32792", "a second semi-sync replica can hang while it connects",
            Verdict.Warn, Fixed("10.6.17", "10.11.7", "11.1.4")),
        new("MDEV-33475", "with gtid_ignore_duplicates a retried parallel-replication transaction can be applied twice",
            Verdict.Fail, Fixed("10.4.34", "10.5.25", "10.6.18", "10.11.8", "11.0.6")),
        new("MDEV-35806", "an error in read_log_event() corrupts the relay log writer and crashes the replica",
            Verdict.Warn, Fixed("10.6.21", "10.11.11")),
        new("MDEV-34269", "Galera: nodes diverge with a composite primary key on a partitioned table",
            Verdict.Fail, Fixed("10.5.26", "10.6.19", "10.11.9"), Fixed("10.5.25", "10.6.18", "10.11.8")),
        new("MDEV-32549", "Galera: the cluster becomes inconsistent after a rollback to a savepoint",
            Verdict.Fail, Fixed("10.5.24", "10.6.17", "10.11.7", "11.1.4")),
        new("MDEV-33334", "mariadb-backup loses innodb_encrypt_tables, so a backup of an encrypting server can be corrupted at --prepare",
            Verdict.Fail, Fixed("10.4.34", "10.5.25", "10.6.18", "10.11.8", "11.0.6")),
        new("MDEV-32939", "mariadb-backup: a backup taken while tables are created, renamed or dropped often cannot be restored",
            Verdict.Warn, Fixed("10.6.17", "10.11.7", "11.1.4")),
        new("MDEV-35577", "crash recovery breaks after SET GLOBAL innodb_log_file_size, so the server may not come back after a crash",
            Verdict.Warn, Fixed("10.11.11")),
    ];

    /// <summary>
    /// One check per member: Fail or Warn naming each bug the version has (the worst decides), Pass when none. A
    /// version that cannot be read is a Warn: unknown is not fine.
    /// </summary>
    public static DoctorCheck Check(string member, string? versionText)
    {
        const string Name = "server version";
        if (Parse(versionText) is not { } version)
        {
            return new(member, Name, Verdict.Warn, $"cannot read the server version ('{versionText}'), so known bugs cannot be ruled out");
        }
        var hits = All.Where(e => Affects(e, version)).ToList();
        if (hits.Count == 0)
        {
            return new(member, Name, Verdict.Pass, $"MariaDB {version} has none of the {All.Count} known bugs Keel checks for");
        }
        var worst = hits.Max(h => h.Severity);
        var list = string.Join("; ", hits.Select(h => $"{h.Bug} ({h.Url}): {h.Effect}, fixed in {h.FixedIn[Series(version)]}"));
        return new(member, Name, worst, $"MariaDB {version} has {hits.Count} known bug(s): {list}");
    }

    private static bool Affects(Entry e, Version v) =>
        e.FixedIn.TryGetValue(Series(v), out var fixedText) && v < Parse(fixedText)!
        && (e.FirstBad?.GetValueOrDefault(Series(v)) is not { } first || v >= Parse(first)!);

    private static string Series(Version v) => string.Create(CultureInfo.InvariantCulture, $"{v.Major}.{v.Minor}");

    /// <summary>"10.11.19-MariaDB-0+deb12u1-log" to 10.11.19; null when it is not a version.</summary>
    public static Version? Parse(string? text)
    {
        var head = (text ?? "").Split('-', 2)[0].Trim();
        return Version.TryParse(head, out var v) && v.Build >= 0 ? v : null;
    }
}
