using System.CommandLine;
using Keel.Playground;

namespace Keel.Cli;

internal static class DownCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var purge = new Option<bool>("--purge") { Description = "Also delete the playground's data and configuration" };
        var cmd = new Command("down", "Stop everything the playground started (data is kept unless --purge)") { home, purge };
        cmd.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), Console.Out);
            await runner.DownAsync(parse.GetValue(purge), ct);
            return 0;
        });
        return cmd;
    }
}
