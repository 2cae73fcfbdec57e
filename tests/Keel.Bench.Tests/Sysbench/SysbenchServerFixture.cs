using Keel.Bench.Sysbench;
using Keel.MySql;
using Keel.MySql.Server;
using Keel.TestSupport;

namespace Keel.Bench.Tests.Sysbench;

/// <summary>
/// One real mariadbd in a temp dir for the sysbench tests, with a TCP user (mysql_native_password, as
/// sysbench's client library speaks it) and an empty database. Killed and deleted on dispose.
/// </summary>
public sealed class SysbenchServerFixture : IAsyncLifetime
{
    public const string User = "keel_bench";
    public const string Password = "Bench-pa55'word";
    public const string Database = "sbtest";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private string? _root;
    private MariaDbServer? _server;
    private int _port;

    public MariaDbServer Server => _server ?? throw new InvalidOperationException("fixture not initialized");

    public SysbenchTarget Target => new("127.0.0.1", _port, User, Password, Database);

    public async Task InitializeAsync()
    {
        _root = TestPaths.NewTempDir("sysb");
        try
        {
            // FreePort can race with other tests grabbing the same port; a fresh port on retry resolves it.
            for (var attempt = 1; ; attempt++)
            {
                _port = TestPaths.FreePort();
                _server = new MariaDbServer(new MariaDbServerOptions
                {
                    DataDir = Path.Combine(_root, "data"),
                    RunDir = _root,
                    Port = _port,
                    ServerId = 1,
                    ExtraSettings = new Dictionary<string, string>
                    {
                        // A lone server: with no replica, semi-sync (infinite timeout) would block every commit,
                        // and the agent that would lift read_only is not here.
                        ["rpl_semi_sync_master_enabled"] = "OFF",
                        ["read_only"] = "OFF",
                    },
                });
                await _server.InitializeAsync(CancellationToken.None);
                try
                {
                    await _server.StartAsync([], StartTimeout, CancellationToken.None);
                    break;
                }
                catch (MariaDbStartException) when (attempt < 3)
                {
                }
            }

            await using var root = await MySqlConnection.OpenAsync(_server.RootOptions());
            await root.QueryAsync(
                $"CREATE USER '{User}'@'127.0.0.1' IDENTIFIED WITH mysql_native_password USING PASSWORD({MySqlText.Quote(Password)})");
            await root.QueryAsync($"GRANT ALL PRIVILEGES ON *.* TO '{User}'@'127.0.0.1'");
            await root.QueryAsync($"CREATE DATABASE {Database}");
        }
        catch
        {
            // xunit does not dispose a fixture whose initialization failed.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server again if a test killed it.</summary>
    public async Task EnsureRunningAsync()
    {
        if (Server.RunningPid() is null)
        {
            await Server.StartAsync([], StartTimeout, CancellationToken.None);
        }
    }

    /// <summary>Names of the tables in the sysbench database, via root over the socket.</summary>
    public async Task<IReadOnlyList<string>> TablesAsync()
    {
        await using var root = await MySqlConnection.OpenAsync(Server.RootOptions());
        var result = await root.QueryAsync(
            $"SELECT table_name FROM information_schema.tables WHERE table_schema = {MySqlText.Quote(Database)} ORDER BY table_name");
        return [.. result.Rows.Select(r => r[0] ?? "")];
    }

    public Task DisposeAsync()
    {
        _server?.Kill();
        if (_root is not null)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // best effort: /tmp is cleaned eventually
            }
        }

        return Task.CompletedTask;
    }
}
