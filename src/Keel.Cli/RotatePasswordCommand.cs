using System.CommandLine;
using Keel.Etcd;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>`keel rotate-password app|repl|admin`: a new password across the playground with no failed login (PlaygroundPasswordRotation).</summary>
internal static class RotatePasswordCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var account = new Argument<string>("ACCOUNT") { Description = "app (the application user), repl (the replication account: every replica reconnects with the new one) or admin (Keel's administrative user)" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for every member and agent", DefaultValueFactory = _ => 120 };
        var cmd = new Command("rotate-password", "Give an account a new random password on every member, old and new both accepted until Keel's side has switched") { account, home, timeout };
        cmd.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), Console.Out);
            try
            {
                await new PlaygroundPasswordRotation(runner, Console.Out).RotateAsync(parse.GetValue(account)!, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
                return 0;
            }
            catch (PlaygroundException ex)
            {
                await Console.Error.WriteLineAsync($"keel rotate-password: {ex.Message}");
                return 1;
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel rotate-password: etcd is unreachable: {ex.Message}; run the command again to finish");
                return 1;
            }
        });
        return cmd;
    }
}
