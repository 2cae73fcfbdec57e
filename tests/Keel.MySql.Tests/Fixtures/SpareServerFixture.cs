namespace Keel.MySql.Tests.Fixtures;

/// <summary>A server that tests may kill, stop or restart; kept apart from the shared one.</summary>
public sealed class SpareServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("fixture not initialized");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync("spare");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SpareServerCollection : ICollectionFixture<SpareServerFixture>
{
    public const string Name = "Spare MariaDB server";
}
