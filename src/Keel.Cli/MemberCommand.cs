using System.CommandLine;
using Keel.Core.Requests;
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
        var etcd = new Option<string?>("--etcd") { Description = "etcd endpoint of a cluster that is not the playground: checks the name, then follows the new member's agent once it is started on its host" };
        var cluster = new Option<string?>("--cluster") { Description = "cluster name (with --etcd)" };
        var cmd = new Command("add", "Add a member; on the playground Keel starts it, elsewhere its agent is started on its host; it clones itself and streams with semi-sync") { name, home, wait, etcd, cluster };
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(etcd) is not null)
            {
                return await OnClusterAsync(parse, (home, etcd, cluster), "member add", parse.GetValue(name)!, RequestPlanner.PlanMemberAdd, async (target, member) =>
                    parse.GetValue(wait) <= 0 ? 0 : await AgentFollower.UntilStreamingAfterCloneAsync(target.Store, target.Tls, member, TimeSpan.FromSeconds(parse.GetValue(wait)), "member add", ct), ct);
            }
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
                return await AgentFollower.UntilStreamingAfterCloneAsync(target.Store, target.Tls, member, TimeSpan.FromSeconds(parse.GetValue(wait)), "member add", ct);
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
        var etcd = new Option<string?>("--etcd") { Description = "etcd endpoint of a cluster that is not the playground (stop the member's agent on its host first)" };
        var cluster = new Option<string?>("--cluster") { Description = "cluster name (with --etcd)" };
        var cmd = new Command("remove", "Remove a replica: it leaves etcd's roster (on the playground also its processes and HAProxy); its data is kept") { name, home, etcd, cluster };
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(etcd) is not null)
            {
                return await OnClusterAsync(parse, (home, etcd, cluster), "member remove", parse.GetValue(name)!, RequestPlanner.PlanMemberRemove, async (target, member) =>
                {
                    await target.Store.RemoveMemberAsync(member, ct);
                    Console.WriteLine($"take {member} out of your HAProxy's read-write and read-only backends too; its data stays on its host");
                    return 0;
                }, ct);
            }
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

    /// <summary>A cluster that is not the playground: check the plan against etcd, print it, then act.</summary>
    private static async Task<int> OnClusterAsync(ParseResult parse, (Option<string?>, Option<string?>, Option<string?>) options, string command, string member,
        Func<Keel.Core.Model.ClusterView, string, Keel.Core.Requests.ReinitPlan> plan, Func<ClusterTarget, string, Task<int>> act, CancellationToken ct)
    {
        using var target = ClusterTarget.Resolve(parse, options, command);
        if (target is null)
        {
            return 2;
        }
        try
        {
            var decided = plan(await target.Store.ReadAsync(ct), member);
            if (!decided.Accepted)
            {
                await Console.Error.WriteLineAsync($"keel {command}: refused, nothing changed: {decided.Message}");
                return 1;
            }
            Console.WriteLine(decided.Message);
            return await act(target, member);
        }
        catch (EtcdException ex)
        {
            await Console.Error.WriteLineAsync($"keel {command}: etcd is unreachable: {ex.Message}");
            return 1;
        }
    }
}
