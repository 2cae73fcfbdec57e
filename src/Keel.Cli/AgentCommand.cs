using System.CommandLine;
using Keel.Agent;
using Keel.Agent.Configuration;
using Microsoft.Extensions.Logging;

namespace Keel.Cli;

internal static class AgentCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The agent's YAML configuration file", Required = true };
        var cmd = new Command("agent", "Run the HA agent beside one MariaDB server") { config };
        cmd.SetAction(async (parse, ct) =>
        {
            AgentConfig cfg;
            try
            {
                cfg = AgentConfigLoader.LoadFile(parse.GetValue(config)!);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync($"keel agent: {ex.Message}");
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
            try
            {
                await AgentHost.RunAsync(cfg, logging, stop.Token);
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
        });
        return cmd;
    }
}
