using System.Globalization;

namespace Keel.Core.Doctor;

/// <summary>
/// The server settings Keel's guarantees rest on, checked against what a member's server reports (SHOW GLOBAL
/// VARIABLES, names in lower case). Each rule says what breaks without it. Pure: the agent reads the variables.
/// </summary>
public static class ServerSettingsRules
{
    /// <summary>The longest semi-sync timeout MariaDB takes (about 49 days): Keel's setting, so that it never falls back.</summary>
    public const long NoFallbackTimeoutMs = 4294967295;

    /// <summary>Below a day, a stalled replica makes the primary fall back to asynchronous commits within an outage's time.</summary>
    public const long ShortestSafeTimeoutMs = 86_400_000;

    private sealed record Rule(string Variable, string Expected, string Why);

    private static readonly Rule[] Exact =
    [
        new("log_bin", "ON", "every member must be promotable, and a primary without a binlog has nothing to replicate"),
        new("binlog_format", "ROW", "statement-based events can apply differently on a replica, so members could diverge silently"),
        new("log_slave_updates", "ON", "a promoted replica's binlog must hold what it replicated, or the other replicas cannot follow it"),
        new("gtid_strict_mode", "ON", "without it diverged GTID histories are not refused, and errant transactions go unnoticed"),
        new("sync_binlog", "1", "an acknowledged transaction could be missing from the binlog after a crash"),
        new("innodb_flush_log_at_trx_commit", "1", "an acknowledged transaction could be missing from InnoDB after a crash"),
        new("rpl_semi_sync_master_wait_point", "AFTER_SYNC", "with AFTER_COMMIT other sessions can read data no replica has yet, and lose it at a failover"),
    ];

    public static IReadOnlyList<DoctorCheck> Check(string member, IReadOnlyDictionary<string, string> variables)
    {
        var checks = new List<DoctorCheck>();
        foreach (var rule in Exact)
        {
            if (!variables.TryGetValue(rule.Variable, out var value))
            {
                checks.Add(new(member, rule.Variable, Verdict.Fail, $"the server does not report {rule.Variable}, and {rule.Why}"));
                continue;
            }
            checks.Add(string.Equals(value, rule.Expected, StringComparison.OrdinalIgnoreCase)
                ? new(member, rule.Variable, Verdict.Pass, $"{rule.Variable} is {value}")
                : new(member, rule.Variable, Verdict.Fail, $"{rule.Variable} is {value}, not {rule.Expected}: {rule.Why}"));
        }
        checks.Add(SemiSyncTimeout(member, variables.GetValueOrDefault("rpl_semi_sync_master_timeout")));
        return checks;
    }

    /// <summary>Semi-sync must never fall back to asynchronous replication on a timeout: that is when acknowledged commits get lost.</summary>
    private static DoctorCheck SemiSyncTimeout(string member, string? text)
    {
        const string Name = "rpl_semi_sync_master_timeout";
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            return new(member, Name, Verdict.Fail, $"the server reports no usable {Name} ('{text}'), so Keel cannot tell whether semi-sync falls back to asynchronous commits");
        }
        return ms >= NoFallbackTimeoutMs ? new(member, Name, Verdict.Pass, $"{Name} is the maximum ({ms} ms): semi-sync never falls back to asynchronous commits")
            : ms >= ShortestSafeTimeoutMs ? new(member, Name, Verdict.Warn, $"{Name} is {ms} ms: after that long without an acknowledgement the primary commits asynchronously, and a failover then could lose acknowledged commits")
            : new(member, Name, Verdict.Fail, $"{Name} is {ms} ms: a replica stalled that long makes the primary commit asynchronously, and a failover then loses acknowledged commits");
    }

    /// <summary>Every member's server_id differs: replication skips events carrying its own server_id, so a duplicate loses transactions.</summary>
    public static IReadOnlyList<DoctorCheck> UniqueServerIds(IReadOnlyDictionary<string, long> serverIds) =>
        [.. serverIds.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            var same = serverIds.Where(o => o.Key != kv.Key && o.Value == kv.Value).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
            return same.Count == 0
                ? new DoctorCheck(kv.Key, "server_id", Verdict.Pass, $"server_id {kv.Value} is unique")
                : new DoctorCheck(kv.Key, "server_id", Verdict.Fail, $"server_id {kv.Value} is also {string.Join(" and ", same)}'s: a replica ignores events that carry its own server_id, so transactions would be skipped");
        })];
}
