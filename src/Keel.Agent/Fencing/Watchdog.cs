using Keel.Agent.Configuration;
using Keel.Agent.Logging;
using Keel.Agent.Server;
using Keel.Core.Fencing;
using Keel.MySql;
using Keel.MySql.Server;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Fencing;

/// <summary>
/// The fencing watchdog (Patroni's watchdog idea, without /dev/watchdog): a separate process beside each agent that
/// reads only the agent's promise file and the local server. When the server is writable and the agent has not
/// promised that it may be (its agent is hung, stopped or starved past the promise), it makes the server read-only,
/// or kills it when read-only cannot be set in time (commits waiting for acknowledgements block it; the agent
/// restarts the server read-only and crash recovery truncates them). See <see cref="FenceRule"/> for the timing.
/// </summary>
public sealed class Watchdog
{
    private readonly AgentConfig _config;
    private readonly MariaDbServer _server;
    private readonly FenceFile _fence;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public Watchdog(AgentConfig config, MariaDbServer server, TimeProvider time, ILogger log)
    {
        _config = config;
        _server = server;
        _fence = new FenceFile(config.Member.RunDir);
        _time = time;
        _log = log;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        _log.WatchdogStarted(_config.Member.Name, Environment.ProcessId, _fence.FilePath);
        await using var sql = new LocalConnection(_server.RootOptions(FenceRule.StatementTimeout) with { ConnectTimeout = FenceRule.StatementTimeout });
        using var timer = new PeriodicTimer(FenceRule.Poll, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await CheckAsync(sql, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One check; returns the sentence it acted on, or null.</summary>
    public async Task<string?> CheckAsync(LocalConnection sql, CancellationToken ct)
    {
        if (_server.RunningPid() is null)
        {
            return null;
        }
        bool? writable;
        try
        {
            writable = (await sql.QueryAsync("SELECT @@global.read_only", ct, FenceRule.StatementTimeout)).Scalar() == "0";
        }
        catch (MySqlException)
        {
            // A server that does not answer cannot commit either; the agent's own rules deal with it.
            writable = null;
        }
        var reason = FenceRule.Reason(_fence.Read(), writable, _time.GetUtcNow());
        if (reason is null)
        {
            return null;
        }
        string outcome;
        try
        {
            await sql.QueryAsync("SET SESSION lock_wait_timeout = 1", ct, FenceRule.StatementTimeout);
            await sql.QueryAsync("SET GLOBAL read_only = ON", ct, FenceRule.StatementTimeout);
            outcome = reason;
        }
        catch (MySqlException ex)
        {
            _server.Kill();
            await sql.ResetAsync();
            outcome = reason.Replace("made the server read-only", "killed the server", StringComparison.Ordinal)
                + $" (read_only could not be set within {FenceRule.StatementTimeout.TotalSeconds:0.#} s: {ex.Message}); its agent restarts it read-only";
        }
        _log.Fenced(_config.Member.Name, outcome);
        return outcome;
    }
}
