namespace Keel.Etcd;

/// <summary>
/// A lease kept alive in the background, with one "lost" signal (the shape of etcd's client/v3/concurrency Session).
/// Lost fires once the lease is known gone, or once <see cref="ExpiresNoEarlierThan"/> has passed without a renewal:
/// from then on the holder can no longer prove it owns anything attached to the lease. Lost never clears; start a
/// new session instead.
/// </summary>
public sealed class LeaseSession : IAsyncDisposable
{
    private static readonly TimeSpan RevokeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a failed renewal the next try goes out this soon (to the next endpoint: the transport moved off the one
    /// that failed). The primary's usable window ends one demote margin before the lease can expire, and a failed try
    /// has already spent most of a regular interval; during an etcd leader election (about 1.3 s on the playground)
    /// every endpoint fails fast, so short retries find the new leader within a few hundred milliseconds.
    /// </summary>
    internal static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMilliseconds(250);

    private readonly IEtcdClient _client;
    private readonly TimeProvider _time;
    // Never disposed: Lost must stay readable after DisposeAsync, and a CTS without a timer holds no resources.
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly ITimer _expiryTimer;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _keepAliveTimeout;
    private Task _keepAlive = Task.CompletedTask;
    private long _lastRenewedTicks;
    private int _lostOnce;
    private int _disposed;

    private LeaseSession(IEtcdClient client, TimeProvider time, long leaseId, TimeSpan ttl, DateTimeOffset grantSentAt, TimeSpan? renewEvery)
    {
        RenewalFailed = static _ => { };
        _client = client;
        _time = time;
        LeaseId = leaseId;
        Ttl = ttl;
        _lastRenewedTicks = grantSentAt.UtcTicks;

        // Three tries per TTL, as clientv3 does, unless the owner needs the lease renewed well before its TTL (a
        // primary demotes itself one margin before expiry); each try must end before the next is due so that one
        // hung endpoint costs one try, not the lease.
        _interval = renewEvery is { } every && every > TimeSpan.Zero && every < ttl / 3 ? every : ttl / 3;
        _keepAliveTimeout = _interval * 0.8;
        _expiryTimer = time.CreateTimer(static s => ((LeaseSession)s!).OnExpiryTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public long LeaseId { get; }

    /// <summary>Told about every failed renewal try (the error), so the owner can log why its lease is running down.</summary>
    public Action<Exception> RenewalFailed { get; set; }

    /// <summary>The TTL asked for, in whole seconds (etcd may grant more, never less).</summary>
    public TimeSpan Ttl { get; }

    /// <summary>When the last successful renewal (or the grant) was SENT: etcd restarted the TTL no earlier than this.</summary>
    public DateTimeOffset LastRenewedAt => new(Volatile.Read(ref _lastRenewedTicks), TimeSpan.Zero);

    public DateTimeOffset ExpiresNoEarlierThan => LastRenewedAt + Ttl;

    public CancellationToken Lost => _lost.Token;

    public bool IsLost => Volatile.Read(ref _lostOnce) != 0;

    /// <summary>
    /// Grants the lease and starts renewing it every TTL/3, or every <paramref name="renewEvery"/> when that is
    /// shorter (a leader that must renew well before the TTL runs out).
    /// </summary>
    public static async Task<LeaseSession> StartAsync(IEtcdClient client, TimeSpan ttl, TimeProvider time, CancellationToken ct, TimeSpan? renewEvery = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        var wholeTtl = TimeSpan.FromSeconds(EtcdClient.WholeSeconds(ttl));

        // Taken before sending: etcd starts the TTL when it handles the grant, which is after this instant.
        var sentAt = time.GetUtcNow();
        var leaseId = await client.GrantLeaseAsync(wholeTtl, ct);
        var session = new LeaseSession(client, time, leaseId, wholeTtl, sentAt, renewEvery);
        session.Start();
        return session;
    }

    /// <summary>Stops renewing, signals Lost, then revokes the lease (best effort, 1 s) so its keys go at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        await _keepAlive;
        await _expiryTimer.DisposeAsync();

        // Whoever relies on the lease must stop before its keys disappear.
        MarkLost();
        try
        {
            using var timeout = new CancellationTokenSource(RevokeTimeout, _time);
            await _client.RevokeLeaseAsync(LeaseId, timeout.Token);
        }
        catch (Exception ex) when (ex is EtcdException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: an unrevoked lease still expires after its TTL.
        }

        _stop.Dispose();
    }

    private void Start()
    {
        ScheduleExpiry();
        _keepAlive = KeepAliveLoopAsync(_stop.Token);
    }

    private async Task KeepAliveLoopAsync(CancellationToken stop)
    {
        var delay = _interval;
        while (!IsLost)
        {
            try
            {
                await Task.Delay(delay, _time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var sentAt = _time.GetUtcNow();
            try
            {
                using var timeout = new CancellationTokenSource(_keepAliveTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stop);
                await _client.KeepAliveOnceAsync(LeaseId, linked.Token);
                Renewed(sentAt);
                delay = _interval;
            }
            catch (EtcdLeaseNotFoundException)
            {
                MarkLost();
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any other failure is one missed renewal; the expiry timer decides when it is too late.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                RenewalFailed(ex);
                // Retry soon: the remaining TTL is being spent.
                delay = RetryDelay(_interval);
            }
        }
    }

    /// <summary>The wait before the next try after a failed one: short, and never longer than half the regular interval.</summary>
    internal static TimeSpan RetryDelay(TimeSpan interval) => interval / 2 < RetryAfterFailure ? interval / 2 : RetryAfterFailure;

    private void Renewed(DateTimeOffset sentAt)
    {
        lock (_gate)
        {
            if (IsLost || sentAt.UtcTicks <= _lastRenewedTicks)
            {
                return;
            }

            Volatile.Write(ref _lastRenewedTicks, sentAt.UtcTicks);
            ScheduleExpiry();
        }
    }

    private void ScheduleExpiry()
    {
        var due = ExpiresNoEarlierThan - _time.GetUtcNow();
        _expiryTimer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void OnExpiryTimer()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                // DisposeAsync signals Lost itself, after stopping the renewals.
                return;
            }

            if (_time.GetUtcNow() < ExpiresNoEarlierThan)
            {
                // A renewal moved the deadline while this callback was on its way.
                ScheduleExpiry();
                return;
            }
        }

        MarkLost();
    }

    private void MarkLost()
    {
        if (Interlocked.Exchange(ref _lostOnce, 1) != 0)
        {
            return;
        }

        try
        {
            _lost.Cancel();
        }
        catch (AggregateException)
        {
            // A subscriber's callback failed; that must not stop the session (or crash a timer thread).
        }
    }
}
