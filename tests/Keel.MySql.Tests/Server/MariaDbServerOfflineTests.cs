using Keel.MySql.Server;
using Keel.TestSupport;

namespace Keel.MySql.Tests.Server;

/// <summary>MariaDbServer behaviour that needs no running server.</summary>
public sealed class MariaDbServerOfflineTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("offline");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_defaults_file_has_the_replication_settings_and_a_client_section()
    {
        var server = NewServer(new Dictionary<string, string>());

        server.WriteDefaultsFile();

        var lines = File.ReadAllLines(server.DefaultsFile);
        Assert.Equal("[mysqld]", lines.First(l => l.StartsWith('[')));
        Assert.Contains("user=root", lines);
        Assert.Contains("port=4406", lines);
        Assert.Contains("server_id=7", lines);
        Assert.Contains($"socket={server.SocketPath}", lines);
        Assert.Contains($"pid-file={server.PidFile}", lines);
        Assert.Contains($"log-error={server.ErrorLog}", lines);
        Assert.Contains($"tmpdir={Path.Combine(_dir, "tmp")}", lines);
        Assert.True(Directory.Exists(Path.Combine(_dir, "tmp")));
        Assert.Contains($"datadir={Path.Combine(_dir, "data")}", lines);
        Assert.Contains("log_bin=mysql-bin", lines);
        Assert.Contains("gtid_strict_mode=ON", lines);
        Assert.Contains("rpl_semi_sync_master_wait_point=AFTER_SYNC", lines);
        Assert.Contains("rpl_semi_sync_master_timeout=4294967295", lines);
        Assert.Contains("read_only=ON", lines);
        Assert.Contains("skip-slave-start", lines);
        Assert.Contains("slave_net_timeout=5", lines);
        Assert.Contains("[client]", lines);
        Assert.Equal(2, lines.Count(l => l.StartsWith("socket=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Extra_settings_override_defaults_with_either_spelling_and_add_new_lines()
    {
        var server = NewServer(new Dictionary<string, string>
        {
            ["read-only"] = "OFF",
            ["max_allowed_packet"] = "64M",
            ["skip-log-bin"] = "",
        });

        server.WriteDefaultsFile();

        var lines = File.ReadAllLines(server.DefaultsFile);
        Assert.Contains("read-only=OFF", lines);
        Assert.DoesNotContain("read_only=ON", lines);
        Assert.Contains("max_allowed_packet=64M", lines);
        Assert.Contains("skip-log-bin", lines);
    }

    [Fact]
    public void A_fresh_datadir_is_not_initialized_and_no_server_runs()
    {
        var server = NewServer(new Dictionary<string, string>());

        Assert.False(server.IsInitialized);
        Assert.Null(server.RunningPid());
    }

    [Fact]
    public void A_stale_pid_file_pointing_at_another_process_is_not_a_running_server()
    {
        var server = NewServer(new Dictionary<string, string>());
        server.WriteDefaultsFile();

        // Our own pid: alive, but not a mariadbd with this defaults file (PID reuse looks like this).
        File.WriteAllText(server.PidFile, Environment.ProcessId + "\n");

        Assert.Null(server.RunningPid());
    }

    [Fact]
    public void Liveness_comes_from_proc()
    {
        Assert.True(MariaDbServer.IsProcessAlive(Environment.ProcessId));
        Assert.False(MariaDbServer.IsProcessAlive(0));
        Assert.False(MariaDbServer.IsProcessAlive(int.MaxValue));
    }

    [Fact]
    public void Root_options_use_the_socket()
    {
        var options = NewServer(new Dictionary<string, string>()).RootOptions(TimeSpan.FromSeconds(3));

        Assert.Equal("root", options.User);
        Assert.EndsWith("mysqld.sock", options.UnixSocket, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), options.CommandTimeout);
    }

    private MariaDbServer NewServer(IReadOnlyDictionary<string, string> extra) => new(new MariaDbServerOptions
    {
        DataDir = Path.Combine(_dir, "data"),
        RunDir = _dir,
        Port = 4406,
        ServerId = 7,
        ExtraSettings = extra,
    });
}
