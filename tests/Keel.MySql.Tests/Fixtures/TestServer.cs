using Keel.MySql.Server;
using Keel.TestSupport;

namespace Keel.MySql.Tests.Fixtures;

/// <summary>A real mariadbd in its own temp dir on a free port; killed and deleted on dispose.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private TestServer(string root, MariaDbServer server, MariaDbServerOptions options)
    {
        Root = root;
        Server = server;
        Options = options;
    }

    public string Root { get; }

    public MariaDbServer Server { get; }

    public MariaDbServerOptions Options { get; }

    public int Port => Options.Port;

    public static async Task<TestServer> StartAsync(string name, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var root = TestPaths.NewTempDir(name);
        try
        {
            // FreePort can race with other tests grabbing the same port; a fresh port on retry resolves it.
            for (var attempt = 1; ; attempt++)
            {
                var options = new MariaDbServerOptions
                {
                    DataDir = Path.Combine(root, "data"),
                    RunDir = root,
                    Port = TestPaths.FreePort(),
                    ServerId = 1,
                    ExtraSettings = extraSettings ?? new Dictionary<string, string>(),
                };
                var server = new MariaDbServer(options);
                await server.InitializeAsync(CancellationToken.None);
                try
                {
                    await server.StartAsync([], StartTimeout, CancellationToken.None);
                    return new TestServer(root, server, options);
                }
                catch (MariaDbStartException) when (attempt < 3)
                {
                }
            }
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>Starts the server again if an earlier test killed or stopped it.</summary>
    public async Task EnsureRunningAsync()
    {
        if (Server.RunningPid() is null)
        {
            await Server.StartAsync([], StartTimeout, CancellationToken.None);
        }
    }

    public Task<MySqlConnection> OpenRootAsync(TimeSpan? commandTimeout = null) =>
        MySqlConnection.OpenAsync(Server.RootOptions(commandTimeout));

    public ValueTask DisposeAsync()
    {
        // A test may leave it SIGSTOPped; SIGKILL works regardless.
        Server.Kill();

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: /tmp is cleaned eventually
        }

        return ValueTask.CompletedTask;
    }
}
