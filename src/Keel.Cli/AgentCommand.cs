using System.CommandLine;
using Keel.Agent;

namespace Keel.Cli;

internal static class AgentCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The agent's YAML configuration file", Required = true };
        var logFormat = LogSetup.FormatOption();
        var cmd = new Command("agent", "Run the HA agent beside one MariaDB server") { config, logFormat };
        cmd.SetAction((parse, ct) => ConfiguredProcess.RunAsync("agent", parse.GetValue(config)!, parse.GetValue(logFormat)!, ct, async (cfg, logging, stop) =>
        {
            try
            {
                await AgentHost.RunAsync(cfg, logging, stop);
            }
            catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await Console.Error.WriteLineAsync($"keel agent: cannot listen on {cfg.Api.Listen}: the port is already in use");
                return 1;
            }
            catch (AgentStartException ex)
            {
                await Console.Error.WriteLineAsync($"keel agent: {ex.Message}");
                return 3;
            }
            return 0;
        }));
        return cmd;
    }
}
