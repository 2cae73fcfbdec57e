using Keel.MySql.Tests.Fixtures;

namespace Keel.MySql.Tests;

[Collection(SharedServerCollection.Name)]
public sealed class ConnectTests(SharedServerFixture fixture)
{
    [Fact]
    public async Task Root_connects_over_the_unix_socket_without_a_password()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Root);

        Assert.StartsWith("10.", c.ServerVersion, StringComparison.Ordinal);
        Assert.Contains("MariaDB", c.ServerVersion, StringComparison.Ordinal);
        Assert.True(c.ConnectionId > 0);
        Assert.False(c.IsBroken);
        var user = (await c.QueryAsync("SELECT CURRENT_USER()")).Scalar();
        Assert.Equal("root@localhost", user);
        Assert.Equal(c.ConnectionId.ToString(System.Globalization.CultureInfo.InvariantCulture), (await c.QueryAsync("SELECT CONNECTION_ID()")).Scalar());
    }

    [Fact]
    public async Task A_password_user_connects_over_tcp()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        Assert.Equal($"{SharedServerFixture.TcpUser}@127.0.0.1", (await c.QueryAsync("SELECT CURRENT_USER()")).Scalar());
    }

    [Fact]
    public async Task Connecting_with_a_database_makes_it_the_default()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp with { Database = "mysql" });

        Assert.Equal("mysql", (await c.QueryAsync("SELECT DATABASE()")).Scalar());
    }

    [Fact]
    public async Task A_wrong_password_is_rejected_with_1045_and_state_28000()
    {
        var ex = await Assert.ThrowsAsync<MySqlServerException>(
            () => MySqlConnection.OpenAsync(fixture.Tcp with { Password = "wrong" }));

        Assert.Equal(1045, ex.Code);
        Assert.Equal("28000", ex.SqlState);
        Assert.Contains("1045", ex.Message, StringComparison.Ordinal);
        Assert.Contains("28000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_succeeds_on_an_idle_connection()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        await c.PingAsync();
        await c.PingAsync(timeout: TimeSpan.FromSeconds(1));
        Assert.False(c.IsBroken);
    }

    [Fact]
    public async Task A_disposed_connection_reports_broken_and_ends_its_server_session()
    {
        await using var observer = await MySqlConnection.OpenAsync(fixture.Root);
        var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var id = c.ConnectionId;

        await c.DisposeAsync();

        Assert.True(c.IsBroken);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => c.PingAsync());
        // COM_QUIT makes the server drop the session promptly; poll briefly for it.
        string? still = null;
        for (var i = 0; i < 250 && still != "0"; i++)
        {
            if (i > 0)
            {
                await Task.Delay(20);
            }

            still = (await observer.QueryAsync($"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = {id}")).Scalar();
        }

        Assert.Equal("0", still);
    }

    [Fact]
    public void Options_describe_the_endpoint_without_the_password()
    {
        Assert.Equal("app@db1:3307", new MySqlConnectOptions { User = "app", Host = "db1", Port = 3307, Password = "hunter2" }.ToString());
        Assert.Equal("root@unix:/run/x.sock", new MySqlConnectOptions { User = "root", UnixSocket = "/run/x.sock", Password = "hunter2" }.ToString());
    }
}
