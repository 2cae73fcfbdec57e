namespace Keel.Agent.Api;

/// <summary>
/// Rate-limits failed authentication per client address: after <see cref="MaxFailures"/> failures within
/// <see cref="Window"/>, that address is refused without a token check until the window has passed since its last
/// failure. Guessing a 128-bit token is hopeless anyway; this keeps a misconfigured or hostile client from filling
/// the log and the CPU. Thread-safe; the clock is passed in, so the rule is tested without waiting.
/// </summary>
public sealed class FailedAuthLimiter
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>At most this many addresses are remembered; the oldest go first (a flood of addresses cannot grow memory).</summary>
    private const int MaxAddresses = 10_000;

    private readonly Dictionary<string, (int Count, DateTimeOffset Last)> _failures = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How long <paramref name="address"/> must still wait before it may try again; zero when it may now.</summary>
    public TimeSpan RetryAfter(string address, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_failures.TryGetValue(address, out var f) || now - f.Last >= Window)
            {
                return TimeSpan.Zero;
            }
            return f.Count >= MaxFailures ? f.Last + Window - now : TimeSpan.Zero;
        }
    }

    /// <summary>Counts one failure of <paramref name="address"/>; returns how many it has had within the window.</summary>
    public int Failed(string address, DateTimeOffset now)
    {
        lock (_gate)
        {
            var count = _failures.TryGetValue(address, out var f) && now - f.Last < Window ? f.Count + 1 : 1;
            if (_failures.Count >= MaxAddresses && !_failures.ContainsKey(address))
            {
                _failures.Remove(_failures.MinBy(kv => kv.Value.Last).Key);
            }
            _failures[address] = (count, now);
            return count;
        }
    }

    /// <summary>A correct token clears the address's failures.</summary>
    public void Succeeded(string address)
    {
        lock (_gate)
        {
            _failures.Remove(address);
        }
    }
}
