using Driver = MySqlConnector;

namespace Keel.MySql;

/// <summary>Closes a driver connection off the caller's path, once a call that overran Keel's deadline has had time to end.</summary>
internal static class Abandonment
{
    /// <summary>
    /// Waits up to <paramref name="grace"/> for <paramref name="pending"/> (the driver's own timeout normally
    /// ends it), then disposes the connection, which closes the socket under anything still waiting on it.
    /// Never throws: whatever went wrong was reported to the caller already.
    /// </summary>
    public static Task CloseAsync(Driver.MySqlConnection driver, Task? pending, TimeSpan grace) => Task.Run(async () =>
    {
#pragma warning disable CA1031 // the session is being thrown away; its failures have no one left to tell
        if (pending is not null)
        {
            try
            {
                await pending.WaitAsync(grace);
            }
            catch (Exception)
            {
            }
        }

        try
        {
            await driver.DisposeAsync();
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    });
}
