using System.Diagnostics;
using System.Globalization;
using Keel.Agent.Configuration;
using Keel.Agent.Logging;
using Keel.Agent.Store;
using Keel.Core.Backup.Archive;
using Keel.Core.Model;
using Keel.Etcd;
using Keel.MySql;
using Keel.Os;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Backup.Archive;

/// <summary>
/// Continuous binlog archiving, beside the HA loop. One agent of the cluster holds archive/lock (a replica's agent
/// when one is up, so that the primary's host dying does not take the archiver with it; the lock moves when its
/// holder dies) and runs `mariadb-binlog --read-from-remote-server --raw --stop-never` against the current primary,
/// into a new segment of the archive.
/// <para>
/// Why mariadb-binlog over the replication protocol rather than copying closed binlog files: it receives each event
/// as the primary writes it (the recovery point is the stream's lag, well under a second, not a whole binlog file),
/// the bytes are the primary's own (the archive is what a replica would replay), and it needs no access to the
/// primary's host. When the primary changes, the stream stops and a new one starts from the new primary at the
/// newest binlog file that began inside the archive (<see cref="ArchiveStart"/>): no gap, and what is fetched twice
/// is kept once by the timeline.
/// </para>
/// </summary>
public sealed class BinlogArchiver(AgentConfig config, IEtcdClient etcd, ClusterStore cluster, ArchiveStore store, TimeProvider time, ILogger log) : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(2);

    private long? _lease;
    private Process? _stream;
    private Task<string>? _streamErrors;
    private string? _primary;
    private string? _segment;
    private BinlogCursor? _cursor;
    private string? _lastGtid;
    private DateTimeOffset? _lastEventAt;
    private DateTimeOffset _nextStart;
    private string? _problem;

    private string Self => config.Member.Name;

    private BinlogArchive Archive => new(config.Backup!.Repository);

    private string PidFile => Path.Combine(config.Member.RunDir, "archiver.pid");

    private string ClientFile => Path.Combine(config.Member.RunDir, "archiver.cnf");

    public async Task RunAsync(CancellationToken ct)
    {
        if (config.Backup is not { ArchiveBinlogs: true })
        {
            return;
        }
        KillLeftover();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Poll, time, ct);
                await TickAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is EtcdException or IOException or OperationCanceledException or MySqlException or InvalidDataException)
            {
                // etcd or the primary unreachable, or a file half-written: the next poll tries again.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Anything else must not end archiving for the agent's lifetime without a word: said, and tried again.
                log.ArchiveProblem(Self, $"the binlog archiver hit {ex.GetType().Name}: {ex.Message}; it tries again");
            }
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var view = await cluster.ReadAsync(ct);
        if (_lease is not { } lease)
        {
            if (!ShouldHold(view, Self))
            {
                return;
            }
            var granted = await etcd.GrantLeaseAsync(LeaseTtl, ct);
            if (!await store.TryLockAsync(Self, granted, ct))
            {
                await etcd.RevokeLeaseAsync(granted, ct);
                return;
            }
            _lease = lease = granted;
            log.ArchiveDecision(Self, view.Leader?.Name == Self
                ? "took the binlog archiver lock because no other member's agent is up"
                : "took the binlog archiver lock because no agent held it (a replica's agent archives, so the primary's host can die without the archiver)");
        }
        else
        {
            try
            {
                await etcd.KeepAliveOnceAsync(lease, ct);
            }
            catch (EtcdLeaseNotFoundException)
            {
                log.ArchiveProblem(Self, "lost the binlog archiver lock (its lease expired); stopped streaming so that another agent can take over");
                StopStream();
                _lease = null;
                return;
            }
            if (!ShouldHold(view, Self))
            {
                log.ArchiveDecision(Self, "handed the binlog archiver lock over because this member is the primary now and a replica's agent can archive (the archiver must survive the primary's host)");
                StopStream();
                _lease = null;
                await etcd.RevokeLeaseAsync(lease, ct);
                return;
            }
        }

        var leader = view.Leader?.Name;
        if (_stream is not null && _primary != leader)
        {
            log.ArchiveDecision(Self, $"stopped streaming {_primary}'s binlogs because {(leader is null ? "nobody leads now" : $"{leader} leads now")}");
            StopStream();
        }
        if (_stream is { HasExited: true } ended)
        {
            var errors = _streamErrors is { IsCompleted: true } e ? (await e).Trim() : "";
            _problem = $"mariadb-binlog streaming from {_primary} stopped (exit {ended.ExitCode}){(errors.Length > 0 ? ": " + Tail(errors) : "")}";
            log.ArchiveProblem(Self, _problem + "; it starts again in 2 s");
            StopStream();
            _nextStart = time.GetUtcNow() + RestartAfter;
        }
        if (_stream is null && leader is not null && view.Members.TryGetValue(leader, out var primary)
            && primary.Server == ServerStatus.Running && time.GetUtcNow() >= _nextStart)
        {
            try
            {
                await StartStreamAsync(primary, ct);
            }
            catch (Exception ex) when (ex is MySqlException or IOException or InvalidOperationException or ProgramListException or System.ComponentModel.Win32Exception)
            {
                _problem = $"could not start streaming {leader}'s binlogs: {ex.Message}";
                log.ArchiveProblem(Self, _problem);
                _nextStart = time.GetUtcNow() + RestartAfter;
            }
        }
        await PublishAsync(lease, view, ct);
    }

    /// <summary>A replica's agent takes the lock; the primary's agent only when no other member's agent is up.</summary>
    public static bool ShouldHold(ClusterView view, string self) =>
        view.Leader?.Name != self || view.Members.Keys.All(n => n == self);

    private async Task StartStreamAsync(MemberState primary, CancellationToken ct)
    {
        IReadOnlyList<PrimaryBinlog> files;
        await using (var c = await OpenPrimaryAsync(primary, ct))
        {
            files = await PrimaryBinlogs.WithStartsAsync(c, ct);
        }
        var timeline = await Task.Run(() => Archive.Timeline(), ct);
        var (file, reason) = ArchiveStart.Choose(files, timeline);
        _segment = Archive.NewSegment(time.GetUtcNow(), primary.Name);
        var replication = config.CurrentUsers().Replication;
        Directory.CreateDirectory(config.Member.RunDir);
        // The password goes in a file only root can read, never on the command line (ps shows that to everyone).
        Keel.Os.AtomicFile.WriteSecret(ClientFile, $"[client]\nuser={replication.User}\npassword={replication.Password}\n"
            + (config.Tls is { } tls ? $"ssl-ca={tls.Ca}\nssl-verify-server-cert\n" : ""));
        var psi = ExternalPrograms.StartInfo("mariadb-binlog",
        [
            "--defaults-extra-file=" + ClientFile, // first: the tool reads it only there
            "--read-from-remote-server", "--raw", "--stop-never",
            // A replica id of its own, far from the members' server ids, so the primary does not take it for one of them.
            string.Create(CultureInfo.InvariantCulture, $"--stop-never-slave-server-id={1_000_000_000 + config.Member.ServerId}"),
            "--host=" + primary.Host, string.Create(CultureInfo.InvariantCulture, $"--port={primary.Port}"),
            "--result-file=" + Archive.SegmentPath(_segment) + Path.DirectorySeparatorChar,
            file,
        ]);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        _stream = Process.Start(psi) ?? throw new InvalidOperationException("mariadb-binlog did not start");
        _streamErrors = _stream.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = _stream.StandardOutput.ReadToEndAsync(CancellationToken.None);
        File.WriteAllText(PidFile, _stream.Id.ToString(CultureInfo.InvariantCulture));
        _primary = primary.Name;
        _cursor = null;
        _problem = null;
        _lastGtid = timeline.Last?.Gtid.ToString();
        _lastEventAt = timeline.Last?.Transaction.At;
        log.ArchiveDecision(Self, $"streaming {primary.Name}'s binlogs from {file} into segment {_segment} because {reason}");
    }

    private Task<MySqlConnection> OpenPrimaryAsync(MemberState primary, CancellationToken ct) => OpenPrimaryAsync(primary, config.CurrentUsers().Admin, ct);

    private Task<MySqlConnection> OpenPrimaryAsync(MemberState primary, Credentials admin, CancellationToken ct) =>
        MySqlConnection.OpenAsync(new MySqlConnectOptions
        {
            Host = primary.Host,
            Port = primary.Port,
            User = admin.User,
            Password = admin.Password,
            TlsCa = config.Tls?.Ca,
            ConnectTimeout = config.Timing.RequestTimeout,
            CommandTimeout = config.Timing.RequestTimeout,
        }, ct);

    private async Task PublishAsync(long lease, ClusterView view, CancellationToken ct)
    {
        long behind = 0;
        if (_segment is not null && Archive.Files(_segment) is { Count: > 0 } files)
        {
            // Every file of the segment is read once, from where the last read stopped: the newest event is the lag's clock.
            var dir = Archive.SegmentPath(_segment);
            var from = _cursor is null ? 0 : Math.Max(0, files.ToList().IndexOf(Path.GetFileName(_cursor.Path)));
            var cursor = _cursor ?? new BinlogCursor(Path.Combine(dir, files[0]), 0, -1);
            for (var i = from; i < files.Count; i++)
            {
                var path = Path.Combine(dir, files[i]);
                (var events, cursor) = BinlogFileReader.Read(cursor.Path == path ? cursor : new BinlogCursor(path, 0, -1));
                if (events.LastOrDefault(e => e.Kind == BinlogEventKind.Gtid) is { } last)
                {
                    _lastGtid = last.Gtid.ToString();
                    _lastEventAt = last.At;
                }
            }
            _cursor = cursor;
            if (_stream is not null && view.Leader?.Name is { } leader && view.Members.TryGetValue(leader, out var primary))
            {
                await using var c = await OpenPrimaryAsync(primary, ct);
                var sizes = await PrimaryBinlogs.ListAsync(c, ct);
                behind = sizes.Where(s => string.CompareOrdinal(s.File, files[^1]) > 0).Sum(s => s.Size)
                    + Math.Max(0, sizes.FirstOrDefault(s => s.File == files[^1]).Size - cursor.Offset);
            }
        }
        var now = time.GetUtcNow();
        var seconds = behind > 0 && _lastEventAt is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
        await store.PutStatusAsync(new ArchiveStatus(Self, _stream is null ? null : _primary, _segment, _lastGtid, _lastEventAt, behind, seconds, now, _problem), lease, ct);
    }

    private void StopStream()
    {
        if (_stream is { } p)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
            p.Dispose();
        }
        _stream = null;
        _streamErrors = null;
        File.Delete(PidFile);
    }

    /// <summary>A stream an earlier run of this agent left (the agent was killed): stopped, since a new one starts here.</summary>
    private void KillLeftover()
    {
        try
        {
            if (File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile), CultureInfo.InvariantCulture, out var pid)
                && File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("mariadb-binlog", StringComparison.Ordinal))
            {
                using var leftover = Process.GetProcessById(pid);
                leftover.Kill();
                log.ArchiveDecision(Self, $"stopped the binlog stream (pid {pid}) an earlier run of this agent left behind");
            }
            File.Delete(PidFile);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already.
        }
    }

    private static string Tail(string text) => text.Length <= 300 ? text : text[^300..];

    public async ValueTask DisposeAsync()
    {
        StopStream();
        if (_lease is { } lease)
        {
            try
            {
                await etcd.RevokeLeaseAsync(lease, CancellationToken.None);
            }
            catch (EtcdException)
            {
                // The lease runs out by itself.
            }
        }
    }
}
