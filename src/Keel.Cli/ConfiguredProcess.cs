using Keel.Agent.Configuration;
using Microsoft.Extensions.Logging;

namespace Keel.Cli;

/// <summary>
/// What `keel agent` and `keel watchdog` share: load the member's configuration (exit 2 naming the bad field), log
/// single lines with UTC times, and stop cleanly on SIGTERM (as systemd and the playground's supervisor send it).
/// </summary>
internal static class ConfiguredProcess
{
    public static async Task<int> RunAsync(string command, string configPath, string logFormat, CancellationToken ct,
        Func<AgentConfig, ILoggerFactory, CancellationToken, Task<int>> body)
    {
        AgentConfig cfg;
        try
        {
            cfg = AgentConfigLoader.LoadFile(configPath);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"keel {command}: {ex.Message}");
            return 2;
        }
        using var logging = LogSetup.Create(logFormat);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        return await body(cfg, logging, stop.Token);
    }
}
