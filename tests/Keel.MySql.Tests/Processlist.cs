namespace Keel.MySql.Tests;

/// <summary>Waits on the server's own view of a session, so a fault is injected only once the query really runs.</summary>
internal static class Processlist
{
    public static async Task WaitUntilRunningAsync(IMySqlConnection observer, uint connectionId)
    {
        for (var i = 0; i < 100; i++)
        {
            var state = await observer.QueryAsync($"SELECT COMMAND FROM information_schema.PROCESSLIST WHERE ID = {connectionId}");
            if (state.Scalar() == "Query")
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the query never started");
    }
}
