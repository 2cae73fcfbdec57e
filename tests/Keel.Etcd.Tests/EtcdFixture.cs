namespace Keel.Etcd.Tests;

/// <summary>One etcd shared by the tests of a class; tests use their own key prefixes.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private EtcdInstance? _etcd;
    private EtcdClient? _client;

    public EtcdInstance Etcd => _etcd ?? throw new InvalidOperationException("fixture not started");

    public EtcdClient Client => _client ?? throw new InvalidOperationException("fixture not started");

    public async Task InitializeAsync()
    {
        _etcd = await EtcdInstance.StartAsync();
        _client = _etcd.NewClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix() => $"t/{Guid.NewGuid():N}/";
}
