namespace Keel.Core.Model;

/// <summary>What the agent knows of its local mariadbd process.</summary>
public enum ServerStatus
{
    /// <summary>No process: it exited, was killed, or was never started. Safe to (re)start.</summary>
    Stopped,
    /// <summary>The process answers queries.</summary>
    Running,
    /// <summary>The process exists but a probe failed or timed out: it may still be accepting writes.</summary>
    Unknown,
}
