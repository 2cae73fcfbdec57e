namespace Keel.MySql;

/// <summary>Lifecycle of a <see cref="MySqlConnection"/>; only Idle accepts a command.</summary>
internal enum ConnectionState
{
    Idle = 0,
    Busy = 1,
    Broken = 2,
    Closed = 3,
}
