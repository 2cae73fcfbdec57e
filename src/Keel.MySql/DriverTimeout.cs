namespace Keel.MySql;

/// <summary>
/// Keel's timeouts as MySqlConnector's whole seconds. The driver's timeouts are only the backstop that
/// closes a stuck socket; Keel's own deadline (exact to the millisecond) is what the caller sees.
/// </summary>
internal static class DriverTimeout
{
    /// <summary>Rounded up so the driver never gives up before Keel does; 0 (the driver's "none") for infinite.</summary>
    public static int Seconds(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? 0 : Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    /// <summary>
    /// The driver's connect timeout: one second past Keel's own, so that Keel's deadline always fires first and
    /// the caller sees a MySqlTimeoutException. With equal timeouts the two raced (the driver's "Connect Timeout
    /// expired" sometimes won and surfaced as a connection failure).
    /// </summary>
    public static int ConnectSeconds(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? 0 : Seconds(timeout) + 1;

    /// <summary>How long an abandoned connect may take to end by the driver's own connect timeout.</summary>
    public static TimeSpan ConnectGrace(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan
            ? TimeSpan.FromSeconds(5)
            : TimeSpan.FromSeconds(ConnectSeconds(timeout)) + TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an abandoned call may take to end by the driver's own timeout before its connection is
    /// disposed under it. Infinite timeouts get a fixed bound: nothing else would ever end the call.
    /// </summary>
    public static TimeSpan Grace(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan
            ? TimeSpan.FromSeconds(5)
            : TimeSpan.FromSeconds(Seconds(timeout)) + TimeSpan.FromSeconds(1);
}
