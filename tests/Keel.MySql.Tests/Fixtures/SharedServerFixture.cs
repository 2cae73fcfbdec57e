namespace Keel.MySql.Tests.Fixtures;

/// <summary>One server shared by the client tests (they never kill it), with a TCP user using mysql_native_password.</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    public const string TcpUser = "keel_tcp";
    public const string TcpPassword = "Tcp-pa55'word";

    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("fixture not initialized");

    /// <summary>TCP options for the password user; short timeouts keep failing tests quick.</summary>
    public MySqlConnectOptions Tcp => new()
    {
        Host = "127.0.0.1",
        Port = Server.Port,
        User = TcpUser,
        Password = TcpPassword,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    public MySqlConnectOptions Root => Server.Server.RootOptions();

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync("mysql", new Dictionary<string, string>
        {
            // The client tests write; replication-role behaviour is not what they test.
            ["read_only"] = "OFF",

            // With no replica attached, a semi-sync master would block every commit (by design, see
            // DefaultsFileRenderer); this lone server must accept writes.
            ["rpl_semi_sync_master_enabled"] = "OFF",

            // Room for the >16 MB (multi-packet) query and row tests.
            ["max_allowed_packet"] = "64M",
        });

        await using var root = await MySqlConnection.OpenAsync(Root);
        await root.QueryAsync(
            $"CREATE USER '{TcpUser}'@'127.0.0.1' IDENTIFIED WITH mysql_native_password USING PASSWORD({MySqlText.Quote(TcpPassword)})");
        await root.QueryAsync($"GRANT ALL PRIVILEGES ON *.* TO '{TcpUser}'@'127.0.0.1'");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServerCollection : ICollectionFixture<SharedServerFixture>
{
    public const string Name = "Shared MariaDB server";
}
