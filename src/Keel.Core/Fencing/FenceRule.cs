namespace Keel.Core.Fencing;

/// <summary>
/// What the primary's agent promises the watchdog beside it: its server may be writable until
/// <see cref="WritableUntil"/>, the moment the agent would make it read-only itself (its lease's earliest expiry minus
/// the demote margin). A replica's agent writes <see cref="DateTimeOffset.MinValue"/>. The agent rewrites it every tick,
/// so a hung, stopped or starved agent stops extending it.
/// </summary>
public sealed record FencePromise(DateTimeOffset WritableUntil, int AgentPid, DateTimeOffset WrittenAt);

/// <summary>
/// The watchdog's one rule, pure: a writable server whose agent has not promised (or no longer promises) that it may
/// be writable is made read-only. The watchdog polls every <c>Poll</c> and bounds the read-only statement by
/// <c>StatementTimeout</c>, then kills the server if that did not work (commits waiting for acknowledgements block
/// <c>read_only</c>); so a server is fenced at most Poll + StatementTimeout after the promise ran out. The promise ends
/// one demote margin (loop interval + request timeout = 3 s by default) before the lease can expire, and
/// Poll + StatementTimeout = 0.2 s + 1 s is less than that, so the server stops taking writes before any other member
/// can take the leader key.
/// </summary>
public static class FenceRule
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The reason to fence, as one sentence; null when the server may stay as it is.</summary>
    public static string? Reason(FencePromise? promise, bool? serverWritable, DateTimeOffset now)
    {
        if (serverWritable != true)
        {
            return null;
        }
        if (promise is null)
        {
            return "made the server read-only because it was writable and its agent has never promised that it may be";
        }
        if (now > promise.WritableUntil)
        {
            return promise.WritableUntil == DateTimeOffset.MinValue
                ? $"made the server read-only because it was writable while its agent (pid {promise.AgentPid}) says it is not the primary"
                : $"made the server read-only because the writable time its agent (pid {promise.AgentPid}) promised ran out at {promise.WritableUntil:HH:mm:ss.fff}Z, one demote margin before its lease can expire (the agent last wrote its promise at {promise.WrittenAt:HH:mm:ss.fff}Z)";
        }
        return null;
    }
}
