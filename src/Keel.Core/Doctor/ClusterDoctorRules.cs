using System.Globalization;

namespace Keel.Core.Doctor;

/// <summary>The doctor's checks across members and hosts: clocks, links, etcd, disk growth. Pure; the CLI and the agents measure.</summary>
public static class ClusterDoctorRules
{
    /// <summary>
    /// One agent's clock as the CLI saw it: <see cref="Offset"/> from the CLI's clock (agent time minus the middle of the
    /// request), give or take <see cref="Uncertainty"/> (half the round trip).
    /// </summary>
    public sealed record ClockReading(string Member, TimeSpan Offset, TimeSpan Uncertainty);

    public static readonly TimeSpan SkewWarn = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan SkewFail = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Clock skew between members: leases are timed by etcd and each agent's own monotonic clock, so skew does not break
    /// failover, but it makes history, logs and backup times disagree, and a point-in-time restore to "T" means
    /// different moments on different hosts. Each member is compared with the median of all.
    /// </summary>
    public static IReadOnlyList<DoctorCheck> ClockSkew(IReadOnlyList<ClockReading> readings)
    {
        if (readings.Count < 2)
        {
            return [];
        }
        var sorted = readings.Select(r => r.Offset).Order().ToList();
        var median = sorted[sorted.Count / 2];
        return [.. readings.OrderBy(r => r.Member, StringComparer.Ordinal).Select(r =>
        {
            // Only what the measurement can prove: the skew less the round trip's uncertainty.
            var skew = (r.Offset - median).Duration() - r.Uncertainty;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"clock is {(r.Offset - median).TotalMilliseconds:+0;-0} ms from the cluster's median (± {r.Uncertainty.TotalMilliseconds:0} ms)");
            return skew >= SkewFail ? new DoctorCheck(r.Member, "clock skew", Verdict.Fail, $"{text}: history, logs and restore times disagree between hosts; fix NTP")
                : skew >= SkewWarn ? new DoctorCheck(r.Member, "clock skew", Verdict.Warn, $"{text}: check NTP")
                : new DoctorCheck(r.Member, "clock skew", Verdict.Pass, text);
        })];
    }

    /// <summary>One direction of one pair, measured by the receiving agent: round trip and throughput.</summary>
    public sealed record LinkReading(string From, string To, double RoundTripMs, double MegabitsPerSecond, string? Error = null);

    /// <summary>
    /// Member-to-member links: a link under <paramref name="floorMbit"/> fails (a clone and a catching-up replica need
    /// the bandwidth, and semi-sync acknowledgements wait behind a full link); one direction under half of the other warns
    /// (a duplex mismatch or a shaped port, the kind of fault only iperf3 found in seed 003); a round trip above
    /// <paramref name="maxRoundTripMs"/> warns (every commit waits one round trip for its acknowledgement).
    /// </summary>
    public static IReadOnlyList<DoctorCheck> Links(IReadOnlyList<LinkReading> links, double floorMbit, double maxRoundTripMs)
    {
        var checks = new List<DoctorCheck>();
        foreach (var l in links.OrderBy(l => l.From, StringComparer.Ordinal).ThenBy(l => l.To, StringComparer.Ordinal))
        {
            var name = $"link {l.From}→{l.To}";
            if (l.Error is not null)
            {
                checks.Add(new(l.From, name, Verdict.Fail, $"could not measure {l.From}→{l.To}: {l.Error}"));
                continue;
            }
            var text = string.Create(CultureInfo.InvariantCulture, $"{l.MegabitsPerSecond:0.#} Mbit/s, round trip {l.RoundTripMs:0.##} ms");
            var back = links.FirstOrDefault(o => o.From == l.To && o.To == l.From && o.Error is null);
            if (l.MegabitsPerSecond < floorMbit)
            {
                checks.Add(new(l.From, name, Verdict.Fail, string.Create(CultureInfo.InvariantCulture, $"{text}: under the floor of {floorMbit:0.#} Mbit/s; clones, catch-up and acknowledgements wait behind it")));
            }
            else if (back is not null && l.MegabitsPerSecond < back.MegabitsPerSecond / 2)
            {
                checks.Add(new(l.From, name, Verdict.Warn, string.Create(CultureInfo.InvariantCulture, $"{text}: under half of the other direction ({back.MegabitsPerSecond:0.#} Mbit/s), as with a duplex mismatch or a shaped port")));
            }
            else if (l.RoundTripMs > maxRoundTripMs)
            {
                checks.Add(new(l.From, name, Verdict.Warn, string.Create(CultureInfo.InvariantCulture, $"{text}: every commit waits one round trip for its acknowledgement (warn above {maxRoundTripMs:0.#} ms)")));
            }
            else
            {
                checks.Add(new(l.From, name, Verdict.Pass, text));
            }
        }
        return checks;
    }

    /// <summary>
    /// Free disk against binlog growth: "m1's binlog filesystem fills in 3.2 h at the current rate". Under a day warns,
    /// under an hour fails (the disk guard hands over at the critical level, but a cluster that fills everywhere has no
    /// member with space).
    /// </summary>
    public static DoctorCheck DiskGrowth(string member, long freeBytes, long? growthPerHour)
    {
        const string Name = "disk growth";
        if (growthPerHour is not { } rate)
        {
            return new(member, Name, Verdict.Pass, "binlog growth not measured yet (it takes two retention passes a minute apart)");
        }
        if (rate <= 0)
        {
            return new(member, Name, Verdict.Pass, "binlogs are not growing");
        }
        var hours = freeBytes / (double)rate;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"binlogs grow {Disk.ByteText.Format(rate)}/h with {Disk.ByteText.Format(freeBytes)} free: full in {(hours >= 48 ? $"{hours / 24:0.#} days" : $"{hours:0.#} h")} at the current rate (retention caps aside)");
        return hours < 1 ? new(member, Name, Verdict.Fail, text)
            : hours < 24 ? new(member, Name, Verdict.Warn, text)
            : new(member, Name, Verdict.Pass, text);
    }

    /// <summary>What one etcd endpoint reported: its member name, whether it leads, its leader, DB size and quota, latency of a read; or why it did not answer.</summary>
    public sealed record EtcdReading(string Endpoint, string? Name, ulong? Leader, ulong? MemberId, long DbSize, long Quota, double LatencyMs, string? Error = null);

    /// <summary>
    /// etcd: every endpoint answers and agrees on one leader; DB size under 80 % of the quota (at the quota etcd
    /// refuses writes, and Keel can renew no lease); a read under 100 ms (the lease keep-alive and every tick wait on it).
    /// </summary>
    public static IReadOnlyList<DoctorCheck> Etcd(IReadOnlyList<EtcdReading> readings)
    {
        var checks = new List<DoctorCheck>();
        var up = readings.Where(r => r.Error is null).ToList();
        var down = readings.Where(r => r.Error is not null).ToList();
        var leaders = up.Select(r => r.Leader).Where(l => l is > 0).Distinct().ToList();
        var quorum = up.Count * 2 > readings.Count;
        checks.Add(up.Count == 0 ? new("etcd", "etcd members", Verdict.Fail, $"no etcd endpoint answered: {string.Join("; ", down.Select(d => $"{d.Endpoint}: {d.Error}"))}")
            : !quorum ? new("etcd", "etcd members", Verdict.Fail, $"only {up.Count} of {readings.Count} etcd endpoints answer: no quorum, so no lease can be renewed")
            : down.Count > 0 ? new("etcd", "etcd members", Verdict.Warn, $"{up.Count} of {readings.Count} etcd endpoints answer; down: {string.Join("; ", down.Select(d => $"{d.Endpoint}: {d.Error}"))}")
            : new("etcd", "etcd members", Verdict.Pass, $"all {readings.Count} etcd endpoints answer"));
        if (up.Count > 0)
        {
            checks.Add(leaders.Count == 1
                ? new("etcd", "etcd leader", Verdict.Pass, $"one leader ({up.FirstOrDefault(r => r.MemberId == leaders[0])?.Name ?? leaders[0]!.Value.ToString("x", CultureInfo.InvariantCulture)})")
                : new("etcd", "etcd leader", Verdict.Fail, leaders.Count == 0 ? "no etcd member knows a leader" : $"etcd members disagree on the leader ({leaders.Count} leaders seen)"));
            var fullest = up.MaxBy(r => r.Quota > 0 ? r.DbSize / (double)r.Quota : 0)!;
            var share = fullest.Quota > 0 ? fullest.DbSize * 100.0 / fullest.Quota : 0;
            var sizeText = string.Create(CultureInfo.InvariantCulture, $"DB size {Disk.ByteText.Format(fullest.DbSize)} of a {Disk.ByteText.Format(fullest.Quota)} quota ({share:0.#} %) on {fullest.Name ?? fullest.Endpoint}");
            checks.Add(share >= 80 ? new("etcd", "etcd db size", Verdict.Fail, $"{sizeText}: at the quota etcd refuses writes; compact and defragment")
                : share >= 50 ? new("etcd", "etcd db size", Verdict.Warn, $"{sizeText}: compact and defragment before it reaches the quota")
                : new("etcd", "etcd db size", Verdict.Pass, sizeText));
            var slowest = up.MaxBy(r => r.LatencyMs)!;
            var latencyText = string.Create(CultureInfo.InvariantCulture, $"slowest read {slowest.LatencyMs:0.#} ms ({slowest.Name ?? slowest.Endpoint})");
            checks.Add(slowest.LatencyMs >= 500 ? new("etcd", "etcd latency", Verdict.Fail, $"{latencyText}: lease renewals and ticks wait on it; the TTL may run out")
                : slowest.LatencyMs >= 100 ? new("etcd", "etcd latency", Verdict.Warn, $"{latencyText}: above 100 ms")
                : new("etcd", "etcd latency", Verdict.Pass, latencyText));
        }
        return checks;
    }

    /// <summary>
    /// HAProxy's backends against the members on record: a member missing from a backend gets no traffic when it is
    /// promoted; a server no member has is traffic sent nowhere.
    /// </summary>
    public static IReadOnlyList<DoctorCheck> HaproxyBackends(string member, IReadOnlyDictionary<string, IReadOnlyList<string>> backends, IReadOnlyCollection<string> members)
    {
        var checks = new List<DoctorCheck>();
        foreach (var (backend, servers) in backends.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            var missing = members.Where(m => !servers.Contains(m)).Order(StringComparer.Ordinal).ToList();
            var extra = servers.Where(s => !members.Contains(s)).Order(StringComparer.Ordinal).ToList();
            var name = $"haproxy {backend}";
            checks.Add(missing.Count > 0
                ? new(member, name, Verdict.Fail, $"backend {backend} lacks {string.Join(", ", missing)}: {(missing.Count == 1 ? "that member gets" : "those members get")} no traffic if promoted")
                : extra.Count > 0
                    ? new(member, name, Verdict.Warn, $"backend {backend} has {string.Join(", ", extra)}, which no member of the cluster is")
                    : new(member, name, Verdict.Pass, $"backend {backend} has every member ({string.Join(", ", members.Order(StringComparer.Ordinal))})"));
        }
        return checks;
    }

    /// <summary>The TTL / loop / request-timeout rule, for one agent's configuration (the agent refuses to start without it, so a Fail here means a config changed under a running agent).</summary>
    public static DoctorCheck TimingRule(string member, Keel.Core.Timing.TimingRules rules) =>
        rules.Validate() is { } problem
            ? new(member, "timing", Verdict.Fail, problem)
            : new(member, "timing", Verdict.Pass, string.Create(CultureInfo.InvariantCulture,
                $"ttl {rules.Ttl.TotalSeconds:0.###} s ≥ 3 × (loop {rules.LoopInterval.TotalSeconds:0.###} s + request timeout {rules.RequestTimeout.TotalSeconds:0.###} s); demotes {rules.DemoteMargin.TotalSeconds:0.###} s before the lease can expire"));
}
