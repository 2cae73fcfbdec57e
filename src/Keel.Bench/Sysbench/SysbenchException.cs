namespace Keel.Bench.Sysbench;

/// <summary>
/// sysbench failed: it exited non-zero (a lost connection, a read-only server, missing tables), was killed
/// at its hard timeout, printed no parsable summary, or could not be started. The message carries the
/// cause sysbench printed and the tail of its output.
/// </summary>
public sealed class SysbenchException : Exception
{
    public SysbenchException()
    {
    }

    public SysbenchException(string message)
        : base(message)
    {
    }

    public SysbenchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>sysbench's exit code; null if it was killed at the timeout or never started.</summary>
    public int? ExitCode { get; init; }

    /// <summary>True if sysbench was still running at its hard timeout and was killed.</summary>
    public bool TimedOut { get; init; }

    /// <summary>The first MySQL/client error number sysbench reported (2013 lost connection, 1290 read-only, ...).</summary>
    public int? MySqlErrorCode { get; init; }

    /// <summary>The last lines sysbench printed.</summary>
    public string OutputTail { get; init; } = "";

    /// <summary>
    /// The server could not be reached or went away (can't connect, gone away, lost connection): what a
    /// fault or failover does to a run, as opposed to a broken setup such as a wrong password.
    /// </summary>
    public bool IsConnectionFailure => MySqlErrorCode is 2002 or 2003 or 2006 or 2013;
}
