using System.CommandLine;
using Keel.Agent;
using Keel.Agent.Configuration;
using Microsoft.Extensions.Logging;

namespace Keel.Cli;

/// <summary>`keel watchdog --config FILE`: the fencing watchdog beside one agent (its own process or systemd unit).</summary>
internal static class WatchdogCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The agent's YAML configuration file (the watchdog reads the same one)", Required = true };
        var cmd = new Command("watchdog", "Make the local server read-only when its agent stops promising that it may be writable (run beside every agent)") { config };
        cmd.SetAction(async (parse, ct) =>
        {
            AgentConfig cfg;
            try
            {
                cfg = AgentConfigLoader.LoadFile(parse.GetValue(config)!);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync($"keel watchdog: {ex.Message}");
                return 2;
            }
            using var logging = LoggerFactory.Create(b => b
                .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; })
                .SetMinimumLevel(LogLevel.Information));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            await AgentHost.RunWatchdogAsync(cfg, logging, stop.Token);
            return 0;
        });
        return cmd;
    }
}
