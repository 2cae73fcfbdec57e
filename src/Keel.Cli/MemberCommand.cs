using System.CommandLine;
using Keel.Etcd;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>`keel member add NAME` and `keel member remove NAME` on the playground.</summary>
internal static class MemberCommand
{
    public static Command Create()
    {
        var cmd = new Command("member", "Grow or shrink the playground: add a member (it clones itself from the best donor) or remove one");
        cmd.Subcommands.Add(Add());
        cmd.Subcommands.Add(Remove());
        return cmd;
    }

    private static Command Add()
    {
        var home = CommonOptions.Home();
        var name = new Argument<string>("NAME") { Description = "the new member's name" };
        var wait = new Option<int>("--wait") { Description = "seconds to follow its clone (0: add and return)", DefaultValueFactory = _ => 1800 };
        var cmd = new Command("add", "Add a member to the playground; it clones itself and streams with semi-sync") { name, home, wait };
        cmd.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), Console.Out);
            var member = parse.GetValue(name)!;
            try
            {
                await new PlaygroundMembership(runner, Console.Out).AddAsync(member, ct);
                if (parse.GetValue(wait) <= 0)
                {
                    return 0;
                }
                using var target = ClusterTarget.ForPlayground(runner.LoadSpec()!);
                return await AgentFollower.UntilStreamingAfterCloneAsync(target.Store, member, TimeSpan.FromSeconds(parse.GetValue(wait)), "member add", ct);
            }
            catch (PlaygroundException ex)
            {
                await Console.Error.WriteLineAsync($"keel member add: refused, nothing changed: {ex.Message}");
                return 1;
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel member add: etcd is unreachable: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }

    private static Command Remove()
    {
        var home = CommonOptions.Home();
        var name = new Argument<string>("NAME") { Description = "the member to remove (not the primary)" };
        var cmd = new Command("remove", "Remove a replica from the playground: its processes stop, it leaves etcd's roster and HAProxy; its data is kept") { name, home };
        cmd.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), Console.Out);
            try
            {
                await new PlaygroundMembership(runner, Console.Out).RemoveAsync(parse.GetValue(name)!, ct);
                return 0;
            }
            catch (PlaygroundException ex)
            {
                await Console.Error.WriteLineAsync($"keel member remove: refused, nothing changed: {ex.Message}");
                return 1;
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel member remove: etcd is unreachable: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
