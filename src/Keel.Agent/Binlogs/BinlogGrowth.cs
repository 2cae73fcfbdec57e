namespace Keel.Agent.Binlogs;

/// <summary>
/// Binlog bytes written per hour, from the last hour of retention passes: what is on disk now plus what retention
/// purged since, against what was on disk then.
/// </summary>
public sealed class BinlogGrowth
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Queue<(DateTimeOffset At, long Written)> _samples = new();
    private long _purged;

    public void Purged(long bytes) => _purged += bytes;

    /// <summary>Records the bytes on disk now; the rate per hour, or null until two samples a minute apart exist.</summary>
    public long? Sample(DateTimeOffset now, long onDisk)
    {
        var written = onDisk + _purged;
        _samples.Enqueue((now, written));
        while (_samples.Count > 2 && now - _samples.Peek().At > Window)
        {
            _samples.Dequeue();
        }
        var (at, then) = _samples.Peek();
        var elapsed = now - at;
        return elapsed < TimeSpan.FromMinutes(1) ? null : (long)(Math.Max(0, written - then) / elapsed.TotalHours);
    }
}
