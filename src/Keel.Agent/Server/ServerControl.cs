using System.Globalization;
using Keel.Agent.Configuration;
using Keel.Core.Gtid;
using Keel.MySql;
using Keel.MySql.Server;

namespace Keel.Agent.Server;

/// <summary>
/// The SQL and process steps the executor applies to the local server. Each step is idempotent, so a step cut off
/// by a crash or a timeout is simply taken again on a later tick.
/// </summary>
public sealed class ServerControl
{
    /// <summary>
    /// Always start with --init-rpl-role=SLAVE: crash recovery then truncates binlogged transactions that were never
    /// committed in the engine. With AFTER_SYNC semi-sync those are exactly the ones no client was told about, so a
    /// former primary comes back without an unacknowledged tail (mariadb-lab.md).
    /// </summary>
    public static readonly IReadOnlyList<string> StartArguments = ["--init-rpl-role=SLAVE"];

    private readonly MariaDbServer _server;
    private readonly LocalConnection _sql;
    private readonly Func<UsersConfig> _users;
    private readonly TimeSpan _timeout;

    // Keel's own account names, read once: the demotion path must not wait on a file read (only passwords change).
    private readonly string[] _keelAccounts;

    private readonly TlsConfig? _tls;

    public ServerControl(MariaDbServer server, LocalConnection sql, Func<UsersConfig> users, TimeSpan timeout, TlsConfig? tls = null)
    {
        _tls = tls;
        _server = server;
        _sql = sql;
        _users = users;
        _timeout = timeout;
        var atStart = users();
        _keelAccounts = [atStart.Replication.User, atStart.Admin.User];
    }

    public MariaDbServer Server => _server;

    /// <summary>
    /// Starts the server read-only. Returns its pid, what was recovered from its relay log (a replica), and the loss
    /// receipt (a former primary, <paramref name="wasPrimary"/>: what crash recovery truncated), each null when none.
    /// </summary>
    public async Task<(int Pid, string? Recovered, string? Receipt)> StartAsync(TimeSpan startTimeout, bool wasPrimary, DateTimeOffset now, CancellationToken ct)
    {
        await _sql.ResetAsync();
        await _server.InitializeAsync(ct);
        var receipt = wasPrimary ? LossReceipt.Prepare(_server, now) : null;
        var pid = await _server.StartAsync(StartArguments, startTimeout, ct);
        await EnsureUsersAsync(ct);
        var recovered = await new RelayLogRecovery(_server, _sql, _timeout).RecoverAsync(ct);
        string? lost = null;
        if (receipt is not null)
        {
            lost = await receipt.CompleteAsync(Keel.Core.Gtid.GtidPosition.Parse(await BinlogPositionAsync(ct)), ct);
        }
        return (pid, recovered, lost);
    }

    /// <summary>
    /// Galera: initialises an empty datadir, starts the server with <paramref name="extraArgs"/> (a bootstrap's
    /// --wsrep-new-cluster) and, on the node that starts a new Primary Component, makes sure Keel's accounts exist
    /// (Galera replicates them to the others; a joiner gets them with its state transfer).
    /// </summary>
    public async Task<int> StartGaleraAsync(IReadOnlyList<string> extraArgs, bool ensureUsers, TimeSpan startTimeout, CancellationToken ct)
    {
        await _sql.ResetAsync();
        await _server.InitializeAsync(ct);
        var pid = await _server.StartAsync(extraArgs, startTimeout, ct);
        if (ensureUsers)
        {
            await EnsureUsersAsync(ct);
        }
        return pid;
    }

    /// <summary>Galera joiner: initialises an empty datadir and launches the server without waiting (see <see cref="MariaDbServer.LaunchWithoutWaiting"/>).</summary>
    /// <summary>
    /// Launches a Galera joiner without waiting for its state transfer. <paramref name="donors"/> are tried first, then
    /// any other node (wsrep_sst_donor's trailing comma); none: Galera chooses.
    /// </summary>
    public async Task<int> LaunchGaleraJoinerAsync(IReadOnlyList<string> donors, CancellationToken ct)
    {
        await _sql.ResetAsync();
        await _server.InitializeAsync(ct);
        return _server.LaunchWithoutWaiting(donors.Count == 0 ? [] : [$"--wsrep_sst_donor={string.Join(",", donors)},"]);
    }

    /// <summary>
    /// Creates Keel's accounts on this member with sql_log_bin=0: every member has them from its first start, so any
    /// member can serve as a source at once, and they add no GTIDs that could look errant.
    /// </summary>
    private async Task EnsureUsersAsync(CancellationToken ct)
    {
        var users = _users();
        var r = users.Replication;
        var a = users.Admin;
        var statements = new List<string>
        {
            "SET SESSION sql_log_bin = 0",
            $"CREATE USER IF NOT EXISTS {Account(r.User)} IDENTIFIED BY {MySqlText.Quote(r.Password)}",
            // Keel's own accounts take the configured password even when they exist already: a datadir restored from
            // another cluster's backup brings that cluster's passwords along.
            $"ALTER USER {Account(r.User)} IDENTIFIED BY {MySqlText.Quote(r.Password)}",
            $"GRANT REPLICATION SLAVE, SLAVE MONITOR ON *.* TO {Account(r.User)}",
            $"CREATE USER IF NOT EXISTS {Account(a.User)} IDENTIFIED BY {MySqlText.Quote(a.Password)}",
            $"ALTER USER {Account(a.User)} IDENTIFIED BY {MySqlText.Quote(a.Password)}",
            $"GRANT ALL PRIVILEGES ON *.* TO {Account(a.User)} WITH GRANT OPTION",
        };
        if (users.Application is { } app)
        {
            statements.Add($"CREATE DATABASE IF NOT EXISTS {Identifier(app.Database)}");
            statements.Add($"CREATE USER IF NOT EXISTS {Account(app.User)} IDENTIFIED BY {MySqlText.Quote(app.Password)}");
            // Like Keel's own accounts: the configured password wins over one a restored datadir brought along.
            statements.Add($"ALTER USER {Account(app.User)} IDENTIFIED BY {MySqlText.Quote(app.Password)}");
            statements.Add($"GRANT ALL PRIVILEGES ON {Identifier(app.Database)}.* TO {Account(app.User)}");
        }
        statements.Add("SET SESSION sql_log_bin = 1");
        await _sql.ExecuteAllAsync(statements, ct, _timeout);
    }

    /// <summary>
    /// Stops the server and moves its datadir aside (DATADIR.reinit-TIME), so that the next tick finds it missing and
    /// clones it. Returns where it went, or null when there was no datadir.
    /// </summary>
    public async Task<string?> SetDataAsideAsync(DateTimeOffset now, CancellationToken ct)
    {
        await _sql.ResetAsync(ct);
        await _server.StopAsync(TimeSpan.FromSeconds(60), ct);
        var dir = Path.TrimEndingDirectorySeparator(_server.DataDir);
        if (!Directory.Exists(dir))
        {
            return null;
        }
        var aside = Keel.Core.Clone.OldCopies.AsidePath(dir, ".reinit-", now);
        Directory.Move(dir, aside);
        return aside;
    }

    /// <summary>
    /// After a clone: replication starts where the copy ends. That is the donor's binlog position when the copy was
    /// taken (mariadb_backup_binlog_info) joined with the copy's own mysql.gtid_slave_pos, domain by domain: a donor
    /// that was itself cloned has a binlog that only holds the domains written to since, and a domain missing from
    /// the position would be replayed from its first transaction. Returns the position set.
    /// </summary>
    public async Task<string> SetSlavePositionAsync(string copyBinlogPosition, CancellationToken ct)
    {
        await _sql.ExecuteAllAsync(["STOP SLAVE", "RESET SLAVE ALL"], ct, _timeout);
        var copySlavePosition = (await _sql.QueryAsync("SELECT @@global.gtid_slave_pos", ct, _timeout)).Scalar();
        var position = GtidPosition.Parse(copyBinlogPosition).Union(GtidPosition.Parse(copySlavePosition)).ToString();
        await _sql.QueryAsync($"SET GLOBAL gtid_slave_pos = {MySqlText.Quote(position)}", ct, _timeout);
        return position;
    }

    /// <summary>Stop the IO thread: this server no longer acknowledges the old primary's transactions.</summary>
    public Task StopReplicationAsync(CancellationToken ct) =>
        _sql.QueryAsync("STOP SLAVE IO_THREAD", ct, _timeout);

    /// <summary>
    /// Applies everything received, forgets the source. An acknowledgement only means "in the relay log", so
    /// RESET SLAVE ALL before MASTER_GTID_WAIT would drop acknowledged transactions.
    /// </summary>
    public async Task<string> DrainRelayLogAsync(TimeSpan maxWait, CancellationToken ct)
    {
        var status = await _sql.QueryAsync("SHOW SLAVE STATUS", ct, _timeout);
        if (status.Rows.Count > 0)
        {
            await _sql.QueryAsync("STOP SLAVE IO_THREAD", ct, _timeout);
            status = await _sql.QueryAsync("SHOW SLAVE STATUS", ct, _timeout);
            var received = status.Rows[0]["Gtid_IO_Pos"] ?? "";
            if (received.Length > 0)
            {
                var waitSeconds = Math.Max(1, (int)maxWait.TotalSeconds);
                var result = await _sql.QueryAsync(
                    string.Create(CultureInfo.InvariantCulture, $"SELECT MASTER_GTID_WAIT({MySqlText.Quote(received)}, {waitSeconds})"),
                    ct, maxWait + _timeout);
                if (result.Scalar() != "0")
                {
                    var sqlError = status.Rows[0]["Last_SQL_Error"];
                    throw new InvalidOperationException(
                        $"the relay log was not applied up to {received} within {waitSeconds} s" +
                        (string.IsNullOrEmpty(sqlError) ? "" : $" (SQL thread error: {sqlError})"));
                }
            }
            await _sql.QueryAsync("STOP SLAVE", ct, _timeout);
            await _sql.QueryAsync("RESET SLAVE ALL", ct, _timeout);
        }
        var pos = await _sql.QueryAsync("SELECT @@global.gtid_binlog_pos", ct, _timeout);
        return pos.Scalar() ?? "";
    }

    /// <summary>Semi-sync on the source side first, so that no write is ever committed without a replica's ack.</summary>
    public Task AllowWritesAsync(CancellationToken ct) =>
        _sql.ExecuteAllAsync(["SET GLOBAL rpl_semi_sync_master_enabled = ON", "SET GLOBAL read_only = OFF"], ct, _timeout);

    /// <summary>
    /// Stops writes. <c>SET GLOBAL read_only</c> waits for commits in flight; a commit can only be waiting for a
    /// semi-sync acknowledgement, and if none comes (replicas gone or replicating elsewhere) the demotion cannot
    /// finish. Sessions are NOT killed first: a killed session's commit would complete in the engine without an
    /// acknowledgement and become an errant transaction. Instead the server is killed: the agent restarts it with
    /// --init-rpl-role=SLAVE, whose crash recovery truncates exactly those never-acknowledged transactions.
    /// Returns a sentence saying which of the two happened.
    /// </summary>
    public async Task<DemoteOutcome> DemoteAsync(CancellationToken ct)
    {
        try
        {
            await _sql.QueryAsync("SET SESSION lock_wait_timeout = 1", ct, _timeout);
            await _sql.QueryAsync("SET GLOBAL read_only = ON", ct, _timeout);
        }
        catch (MySqlException ex) when (ex is MySqlTimeoutException or MySqlServerException { Code: 1205 })
        {
            _server.Kill();
            await _sql.ResetAsync();
            return new DemoteOutcome(true, "killed the local server because commits were waiting for acknowledgements that cannot come; it restarts read-only and truncates them");
        }
        await KillApplicationSessionsAsync(ct);
        return new DemoteOutcome(false, "the local server is read-only and its application sessions are closed");
    }

    /// <summary>Waits until a peer has applied everything up to <paramref name="position"/> (asked over TCP as Keel's admin).</summary>
    public async Task<bool> PeerAppliedAsync(string host, int port, string position, TimeSpan maxWait, CancellationToken ct)
    {
        if (position.Length == 0)
        {
            return true;
        }
        var admin = _users().Admin;
        var options = new MySqlConnectOptions
        {
            Host = host,
            Port = port,
            User = admin.User,
            Password = admin.Password,
            TlsCa = _tls?.Ca,
            ConnectTimeout = _timeout,
            CommandTimeout = maxWait + _timeout,
        };
        await using var peer = await MySqlConnection.OpenAsync(options, ct);
        var seconds = Math.Max(0.1, maxWait.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        var result = await peer.QueryAsync($"SELECT MASTER_GTID_WAIT({MySqlText.Quote(position)}, {seconds})", ct);
        return result.Scalar() == "0";
    }

    public async Task<string> BinlogPositionAsync(CancellationToken ct) =>
        (await _sql.QueryAsync("SELECT @@global.gtid_binlog_pos", ct, _timeout)).Scalar() ?? "";

    private async Task KillApplicationSessionsAsync(CancellationToken ct)
    {
        var keep = string.Join(", ", new[] { "system user", "event_scheduler", "root" }.Concat(_keelAccounts).Select(MySqlText.Quote));
        var sessions = await _sql.QueryAsync(
            $"SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER NOT IN ({keep}) AND COMMAND NOT IN ('Binlog Dump', 'Daemon')",
            ct, _timeout);
        foreach (var row in sessions.Rows)
        {
            try
            {
                await _sql.QueryAsync($"KILL CONNECTION {row[0]}", ct, _timeout);
            }
            catch (MySqlServerException ex) when (ex.Code == 1094)
            {
                // Unknown thread id: it ended by itself.
            }
        }
    }

    /// <summary>
    /// Replicate from a new source with GTID. gtid_slave_pos becomes what this server really holds: its own binlog's
    /// position joined, domain by domain, with the replication position it has. The binlog alone is right on a former
    /// primary (whose slave position is stale), but a clone's binlog starts empty and holds only what it has
    /// replicated since: from the binlog alone it would ask the primary for every transaction again.
    /// </summary>
    public async Task FollowAsync(string host, int port, CancellationToken ct)
    {
        var r = _users().Replication;
        await _sql.QueryAsync("STOP SLAVE", ct, _timeout);
        var held = (await _sql.QueryAsync("SELECT @@global.gtid_binlog_pos, @@global.gtid_slave_pos", ct, _timeout)).Rows[0];
        var position = GtidPosition.Parse(held[0]).Union(GtidPosition.Parse(held[1])).ToString();
        await _sql.ExecuteAllAsync(
        [
            // A replica must not wait for acknowledgements itself: with log_slave_updates and no timeout, its SQL
            // thread would wait forever for replicas it does not have.
            "SET GLOBAL rpl_semi_sync_master_enabled = OFF",
            $"SET GLOBAL gtid_slave_pos = {MySqlText.Quote(position)}",
            "CHANGE MASTER TO " + string.Join(", ",
                $"MASTER_HOST = {MySqlText.Quote(host)}",
                string.Create(CultureInfo.InvariantCulture, $"MASTER_PORT = {port}"),
                $"MASTER_USER = {MySqlText.Quote(r.User)}",
                $"MASTER_PASSWORD = {MySqlText.Quote(r.Password)}",
                "MASTER_USE_GTID = slave_pos",
                "MASTER_CONNECT_RETRY = 1",
                "MASTER_HEARTBEAT_PERIOD = 1",
                // Over TLS, verifying the source's certificate against the cluster's CA, when `tls` is configured.
                _tls is null ? "MASTER_SSL = 0" : $"MASTER_SSL = 1, MASTER_SSL_CA = {MySqlText.Quote(_tls.Ca)}, MASTER_SSL_VERIFY_SERVER_CERT = 1"),
            "START SLAVE",
        ], ct, _timeout);
    }

    /// <summary>
    /// One phase of a password rotation, binlogged so that every member gets it by replication; returns the binlog
    /// position right after it.
    /// </summary>
    public async Task<string> ApplyPasswordPhaseAsync(Keel.Core.Passwords.PasswordRotation rotation, CancellationToken ct)
    {
        if (!rotation.HashesAreValid)
        {
            throw new InvalidOperationException("the password rotation holds something other than two mysql_native_password hashes");
        }
        await _sql.ExecuteAllAsync([rotation.Statement(Account(rotation.User))], ct, _timeout);
        return (await _sql.QueryAsync("SELECT @@global.gtid_binlog_pos", ct, _timeout)).Scalar() ?? "";
    }

    private static string Account(string user) => $"{MySqlText.Quote(user)}@'%'";

    private static string Identifier(string name) => MySqlText.Identifier(name);
}

/// <summary>How a demotion ended: read-only with its sessions closed, or the server killed (it restarts read-only).</summary>
public sealed record DemoteOutcome(bool Killed, string Sentence);
