using Keel.MySql.Tests.Fixtures;

namespace Keel.MySql.Tests;

/// <summary>What a client sees when another session kills its query or its whole connection (as a switchover does).</summary>
[Collection(SharedServerCollection.Name)]
public sealed class KillTests(SharedServerFixture fixture)
{
    [Fact]
    public async Task KILL_QUERY_is_server_error_1317_and_the_connection_stays_usable()
    {
        await using var observer = await MySqlConnection.OpenAsync(fixture.Root);
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var query = c.QueryAsync("SELECT SLEEP(30)");
        await Processlist.WaitUntilRunningAsync(observer, c.ConnectionId);

        await observer.QueryAsync($"KILL QUERY {c.ConnectionId}");

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => query);
        Assert.Equal(1317, ex.Code);
        Assert.Equal("70100", ex.SqlState);
        Assert.False(c.IsBroken);
        Assert.Equal("still here", (await c.QueryAsync("SELECT 'still here'")).Scalar());
    }

    [Fact]
    public async Task KILL_of_the_connection_mid_query_is_a_connection_failure_that_breaks_it()
    {
        await using var observer = await MySqlConnection.OpenAsync(fixture.Root);
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var query = c.QueryAsync("SELECT SLEEP(30)");
        await Processlist.WaitUntilRunningAsync(observer, c.ConnectionId);

        await observer.QueryAsync($"KILL CONNECTION {c.ConnectionId}");

        await Assert.ThrowsAsync<MySqlConnectionException>(() => query);
        Assert.True(c.IsBroken);
        await Assert.ThrowsAsync<MySqlConnectionException>(() => c.PingAsync());
    }

    [Fact]
    public async Task A_connection_killed_while_idle_fails_its_next_query_as_a_connection_failure()
    {
        await using var observer = await MySqlConnection.OpenAsync(fixture.Root);
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        await observer.QueryAsync($"KILL CONNECTION {c.ConnectionId}");

        await Assert.ThrowsAsync<MySqlConnectionException>(() => c.QueryAsync("SELECT 1"));
        Assert.True(c.IsBroken);
    }
}
