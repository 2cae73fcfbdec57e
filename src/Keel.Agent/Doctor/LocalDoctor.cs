using System.Globalization;
using Keel.Agent.Configuration;
using Keel.Agent.Ha;
using Keel.Core.Disk;
using Keel.Core.Doctor;
using Keel.Core.Model;
using Keel.MySql;
using Keel.MySql.Server;

namespace Keel.Agent.Doctor;

/// <summary>The checks an agent runs on its own host for `keel doctor`; the verdicts come from the pure rules in Keel.Core.Doctor.</summary>
public sealed class LocalDoctor(AgentConfig config, MariaDbServer server, AgentStatus status, Func<Keel.Core.Binlogs.BinlogSummary?> binlogs,
    Proxy.HaproxyRuntime? haproxy, TimeProvider time)
{
    /// <summary>
    /// Test hook: a duration in this file (such as "7s" or "-2s") shifts the clock this agent reports to the doctor, so
    /// that a test can show a skewed host without changing the machine's clock.
    /// </summary>
    public const string ClockOffsetFile = "clock-offset-for-tests";

    private string Self => config.Member.Name;

    public async Task<LocalDoctorReport> RunAsync(CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        var serverId = await ServerChecksAsync(checks, ct);
        checks.Add(ClusterDoctorRules.TimingRule(Self, config.Timing));
        checks.AddRange(DiskChecks());
        checks.AddRange(await HaproxyChecksAsync(ct));
        return new LocalDoctorReport(Self, time.GetUtcNow() + ClockOffset(), serverId, checks);
    }

    private async Task<long?> ServerChecksAsync(List<DoctorCheck> checks, CancellationToken ct)
    {
        try
        {
            await using var c = await MySqlConnection.OpenAsync(server.RootOptions(config.Timing.RequestTimeout) with { ConnectTimeout = config.Timing.RequestTimeout }, ct);
            var version = (await c.QueryAsync("SELECT VERSION()", ct)).Scalar();
            checks.Add(KnownBadVersions.Check(Self, version));
            var names = string.Join(", ", new[]
            {
                "log_bin", "binlog_format", "log_slave_updates", "gtid_strict_mode", "sync_binlog", "innodb_flush_log_at_trx_commit",
                "rpl_semi_sync_master_wait_point", "rpl_semi_sync_master_timeout", "server_id",
            }.Select(MySqlText.Quote));
            var variables = (await c.QueryAsync($"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({names})", ct)).Rows
                .ToDictionary(r => (r[0] ?? "").ToLowerInvariant(), r => r[1] ?? "", StringComparer.Ordinal);
            checks.AddRange(ServerSettingsRules.Check(Self, variables));
            return long.TryParse(variables.GetValueOrDefault("server_id"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (Exception ex) when (ex is MySqlException or TimeoutException or IOException)
        {
            checks.Add(new DoctorCheck(Self, "server", Verdict.Fail, $"cannot query the local server, so its version and settings are unchecked: {ex.Message}"));
            return null;
        }
    }

    private IEnumerable<DoctorCheck> DiskChecks()
    {
        if (status.Latest?.Published.Disk is not { } disk)
        {
            yield return new DoctorCheck(Self, "disk", Verdict.Warn, "free space not measured yet");
            yield break;
        }
        yield return disk.Level switch
        {
            DiskLevel.Critical => new DoctorCheck(Self, "disk", Verdict.Fail, $"{disk.Describe()}: at the critical level this member is never promoted"),
            DiskLevel.Low => new DoctorCheck(Self, "disk", Verdict.Warn, disk.Describe()),
            DiskLevel.Unknown => new DoctorCheck(Self, "disk", Verdict.Warn, disk.Describe()),
            _ => new DoctorCheck(Self, "disk", Verdict.Pass, disk.Describe()),
        };
        var binlogFs = disk.Binlog ?? disk.Data;
        yield return ClusterDoctorRules.DiskGrowth(Self, binlogFs.FreeBytes, binlogs()?.GrowthPerHour);
    }

    /// <summary>`show servers state` of the configured read-write and read-only backends against the members on record.</summary>
    private async Task<IReadOnlyList<DoctorCheck>> HaproxyChecksAsync(CancellationToken ct)
    {
        if (haproxy is null || config.Haproxy is not { } h)
        {
            return [];
        }
        if (status.Latest?.Snapshot.Cluster is not { } cluster)
        {
            return [new DoctorCheck(Self, "haproxy", Verdict.Warn, "no view of the cluster yet to compare HAProxy's backends with")];
        }
        try
        {
            var state = await haproxy.SendAsync(["show servers state"], ct);
            var backends = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                [h.ReadWriteBackend] = Servers(state, h.ReadWriteBackend),
                [h.ReadOnlyBackend] = Servers(state, h.ReadOnlyBackend),
            };
            var members = (cluster.Roster ?? [.. cluster.Members.Keys]).ToList();
            return ClusterDoctorRules.HaproxyBackends(Self, backends, members);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return [new DoctorCheck(Self, "haproxy", Verdict.Fail, $"cannot read HAProxy's servers through {h.AdminSocket}: {ex.Message}")];
        }
    }

    /// <summary>Server names of one backend in `show servers state` ("be_id be_name srv_id srv_name ...").</summary>
    public static IReadOnlyList<string> Servers(string state, string backend) =>
        [.. state.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 4 && f[1] == backend)
            .Select(f => f[3])];

    private TimeSpan ClockOffset()
    {
        var path = Path.Combine(config.Member.RunDir, ClockOffsetFile);
        if (!File.Exists(path))
        {
            return TimeSpan.Zero;
        }
        var text = File.ReadAllText(path).Trim();
        var negative = text.StartsWith('-');
        return DurationText.TryParse(negative ? text[1..] : text, out var offset) ? (negative ? -offset : offset) : TimeSpan.Zero;
    }
}
