using Keel.Agent.Ha;
using Keel.Agent.Metrics;
using static Keel.Agent.Tests.Ticks;

namespace Keel.Agent.Tests;

/// <summary>The /metrics text: what a tick's result turns into, in the Prometheus text format, with cluster and member labels.</summary>
public class AgentMetricsTests
{
    /// <summary>The value of the series <paramref name="name"/> of cluster prod, member m1, with these other labels (in any order).</summary>
    private static string? Value(string text, string name, params (string Key, string Value)[] labels)
    {
        var want = labels.Append(("cluster", "prod")).Append(("member", "m1")).Select(l => $"{l.Item1}=\"{l.Item2}\"").ToHashSet(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var open = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.IndexOf('}', StringComparison.Ordinal);
            if (open > 0 && close > open && line[..open] == name && line[(open + 1)..close].Split(',').ToHashSet(StringComparer.Ordinal).SetEquals(want))
            {
                return line[(close + 2)..].Trim();
            }
        }
        return null;
    }

    private static async Task<string> TextAsync(AgentMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.ExportAsync(stream, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task The_primary_shows_leader_primary_lease_and_its_decisions()
    {
        var metrics = new AgentMetrics("prod", "m1");
        var status = new AgentStatus { Metrics = metrics };
        status.Update(Tick(writable: true, leader: "m1", Now.AddSeconds(9)));
        status.Update(Tick(writable: true, leader: "m1", Now.AddSeconds(8.5)));
        metrics.ObserveTick(TimeSpan.FromMilliseconds(12));
        var text = await TextAsync(metrics);
        Assert.Equal("1", Value(text, "keel_leader"));
        Assert.Equal("1", Value(text, "keel_primary"));
        Assert.Equal("8.5", Value(text, "keel_lease_seconds_left"));
        Assert.Equal("0", Value(text, "keel_server_read_only"));
        Assert.Equal("2", Value(text, "keel_decisions_total", ("action", "None")));
        Assert.Equal("1", Value(text, "keel_ha_loop_seconds_count"));
        Assert.Equal("-1", Value(text, "keel_galera_serves"));
        Assert.Contains("# TYPE keel_ha_loop_seconds histogram", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_shows_no_leadership_and_how_far_behind_its_source_it_says_it_is()
    {
        var metrics = new AgentMetrics("prod", "m1");
        new AgentStatus { Metrics = metrics }.Update(Tick(writable: false, leader: "m2", Now.AddSeconds(9), From(3302, behind: 3)), "StartReplication");
        var text = await TextAsync(metrics);
        Assert.Equal("0", Value(text, "keel_leader"));
        Assert.Equal("0", Value(text, "keel_primary"));
        Assert.Equal("3", Value(text, "keel_replication_seconds_behind_source"));
        Assert.Equal("1", Value(text, "keel_decisions_total", ("action", "StartReplication")));
    }

    [Fact]
    public async Task Keel_measured_lag_positions_and_semi_sync_are_exported()
    {
        var metrics = new AgentMetrics("prod", "m1");
        var tick = Tick(writable: false, leader: "m2", Now.AddSeconds(9), From(3302, behind: 0));
        tick = tick with
        {
            Snapshot = tick.Snapshot with
            {
                Local = tick.Snapshot.Local with { BinlogPosition = Keel.Core.Gtid.GtidPosition.Parse("0-2-40,1-1-7"), SemiSyncAvgWaitMicros = 1500, SemiSyncClients = 0 },
            },
            SourceLag = TimeSpan.FromSeconds(4.5),
            TransactionsBehind = 12,
        };
        new AgentStatus { Metrics = metrics }.Update(tick);
        var text = await TextAsync(metrics);
        // The server says 0 behind; Keel's own measure says 4.5 s and 12 transactions.
        Assert.Equal("0", Value(text, "keel_replication_seconds_behind_source"));
        Assert.Equal("4.5", Value(text, "keel_replication_lag_seconds"));
        Assert.Equal("12", Value(text, "keel_replication_transactions_behind"));
        Assert.Equal("40", Value(text, "keel_gtid_binlog_sequence", ("domain", "0")));
        Assert.Equal("7", Value(text, "keel_gtid_binlog_sequence", ("domain", "1")));
        Assert.Equal("40", Value(text, "keel_gtid_received_sequence", ("domain", "0")));
        Assert.Equal("1", Value(text, "keel_semi_sync_active"));
        Assert.Equal("0", Value(text, "keel_semi_sync_clients"));
        Assert.Equal("0.0015", Value(text, "keel_semi_sync_avg_wait_seconds"));
    }

    [Fact]
    public async Task Unknown_lag_reads_minus_one()
    {
        var metrics = new AgentMetrics("prod", "m1");
        new AgentStatus { Metrics = metrics }.Update(Tick(writable: false, leader: null, Now.AddSeconds(9)));
        var text = await TextAsync(metrics);
        Assert.Equal("-1", Value(text, "keel_replication_lag_seconds"));
        Assert.Equal("-1", Value(text, "keel_replication_transactions_behind"));
    }

    [Fact]
    public async Task Completed_failovers_and_switchovers_are_counted_with_their_durations()
    {
        var metrics = new AgentMetrics("prod", "m1");
        var status = new AgentStatus { Metrics = metrics };
        var tick = Tick(writable: true, leader: "m1", Now.AddSeconds(9));
        status.Update(tick with { Takeover = new Takeover(TakeoverKind.Failover, TimeSpan.FromMilliseconds(300)) });
        status.Update(tick);
        status.Update(tick with { Takeover = new Takeover(TakeoverKind.Switchover, TimeSpan.FromMilliseconds(80)) });
        status.Update(tick with { Takeover = new Takeover(TakeoverKind.Failover, TimeSpan.FromSeconds(3)) });
        var text = await TextAsync(metrics);
        Assert.Equal("2", Value(text, "keel_failovers_total"));
        Assert.Equal("1", Value(text, "keel_switchovers_total"));
        Assert.Equal("2", Value(text, "keel_failover_duration_seconds_count"));
        Assert.Equal("3.3", Value(text, "keel_failover_duration_seconds_sum"));
        Assert.Equal("1", Value(text, "keel_failover_duration_seconds_bucket", ("le", "0.5")));
        Assert.Equal("1", Value(text, "keel_switchover_duration_seconds_bucket", ("le", "0.1")));
    }

    [Fact]
    public async Task Etcd_requests_are_timed_and_failures_counted_by_operation()
    {
        var metrics = new AgentMetrics("prod", "m1");
        var time = new SteppingClock();
        using var etcd = new MeasuredEtcdClient(new FailingOnPut(time), metrics, time);
        await etcd.GetAsync("k");
        await Assert.ThrowsAsync<Keel.Etcd.EtcdUnavailableException>(() => etcd.PutAsync("k", "v"));
        var text = await TextAsync(metrics);
        Assert.Equal("1", Value(text, "keel_etcd_request_seconds_count", ("operation", "get")));
        Assert.Equal("0.02", Value(text, "keel_etcd_request_seconds_sum", ("operation", "get")));
        Assert.Equal("1", Value(text, "keel_etcd_request_errors_total", ("operation", "put")));
        Assert.Null(Value(text, "keel_etcd_request_errors_total", ("operation", "get")));
    }

    [Fact]
    public async Task Clone_and_backup_progress_and_the_last_backup_are_exported()
    {
        var metrics = new AgentMetrics("prod", "m1");
        metrics.CloneProgress(300, 1000);
        metrics.BackupProgress(50, 200);
        metrics.LastBackup(Now, succeeded: false);
        var text = await TextAsync(metrics);
        Assert.Equal("300", Value(text, "keel_clone_bytes_received"));
        Assert.Equal("1000", Value(text, "keel_clone_bytes_expected"));
        Assert.Equal("50", Value(text, "keel_backup_bytes_done"));
        Assert.Equal("200", Value(text, "keel_backup_bytes_expected"));
        Assert.Equal("0", Value(text, "keel_backup_last_succeeded"));
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Value(text, "keel_backup_last_finished_timestamp_seconds"));
    }

    /// <summary>A monotonic clock that moves only when told.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    /// <summary>An etcd whose reads take 20 ms (on the fake clock) and whose writes fail.</summary>
    private sealed class FailingOnPut(SteppingClock time) : Keel.Etcd.IEtcdClient
    {
        public Task<Keel.Etcd.RangeResult> GetAsync(string key, CancellationToken ct = default)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            return Task.FromResult(new Keel.Etcd.RangeResult([], 1));
        }

        public Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken ct = default) =>
            throw new Keel.Etcd.EtcdUnavailableException("no etcd endpoint answered");

        public Task<Keel.Etcd.RangeResult> GetPrefixAsync(string prefix, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<long> DeleteAsync(string key, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<long> DeletePrefixAsync(string prefix, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Keel.Etcd.TxnResult> TxnAsync(Keel.Etcd.TxnRequest txn, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<long> KeepAliveOnceAsync(long leaseId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task RevokeLeaseAsync(long leaseId, CancellationToken ct = default) => throw new NotSupportedException();
        public IAsyncEnumerable<Keel.Etcd.WatchEvent> WatchPrefixAsync(string prefix, long startRevision, CancellationToken ct = default) => throw new NotSupportedException();
        public void Dispose()
        {
        }
    }
}
