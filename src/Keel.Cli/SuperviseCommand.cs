using System.CommandLine;
using Keel.Playground;

namespace Keel.Cli;

internal static class SuperviseCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var cmd = new Command("supervise", "(playground) keep one agent per member running, as systemd would") { home };
        cmd.Hidden = true;
        cmd.SetAction(async (parse, ct) =>
        {
            var layout = PlaygroundLayout.Resolve(parse.GetValue(home));
            var spec = new PlaygroundRunner(layout, Console.Out).LoadSpec()
                ?? throw new InvalidOperationException($"no playground in {layout.Home}");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            await new Supervisor(layout, spec, Console.Out).RunAsync(stop.Token);
            return 0;
        });
        return cmd;
    }
}
