namespace Keel.Network;

/// <summary>
/// A process started inside a lab host. The start time (clock ticks since boot, from /proc) tells it apart from a
/// later process that reuses the pid, so teardown never signals a stranger.
/// </summary>
public sealed record LabProcess(string Host, int Pid, long StartTime);
