using System.CommandLine;
using Keel.Agent;

namespace Keel.Cli;

/// <summary>`keel watchdog --config FILE`: the fencing watchdog beside one agent (its own process or systemd unit).</summary>
internal static class WatchdogCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The agent's YAML configuration file (the watchdog reads the same one)", Required = true };
        var logFormat = LogSetup.FormatOption();
        var cmd = new Command("watchdog", "Make the local server read-only when its agent stops promising that it may be writable (run beside every agent)") { config, logFormat };
        cmd.SetAction((parse, ct) => ConfiguredProcess.RunAsync("watchdog", parse.GetValue(config)!, parse.GetValue(logFormat)!, ct, async (cfg, logging, stop) =>
        {
            await AgentHost.RunWatchdogAsync(cfg, logging, stop);
            return 0;
        }));
        return cmd;
    }
}
