using System.CommandLine;
using Keel.Agent.Requests;
using Keel.Etcd;

namespace Keel.Cli;

/// <summary>
/// `keel reinit MEMBER`: asks a replica's agent to re-clone it, then shows what the agent does (its datadir moved
/// aside, the donor chosen, the clone's bytes, rate and time left) until it streams again.
/// </summary>
internal static class ReinitCommand
{
    public static Command Create()
    {
        var o = ClusterTarget.Options();
        var member = new Argument<string>("MEMBER") { Description = "the replica to re-clone" };
        var wait = new Option<int>("--wait") { Description = "seconds to follow the clone (0: ask and return)", DefaultValueFactory = _ => 1800 };
        var purgeOld = new Option<bool>("--purge-old") { Description = "also remove the datadirs earlier re-clones moved aside (the one moved aside now is kept)" };
        var cmd = new Command("reinit", "Re-clone a replica in place from the best donor; its old datadir is moved aside and kept") { member, o.Home, o.Etcd, o.Cluster, wait, purgeOld };
        cmd.SetAction(async (parse, ct) =>
        {
            using var target = ClusterTarget.Resolve(parse, o, "reinit");
            if (target is null)
            {
                return 2;
            }
            var name = parse.GetValue(member)!;
            try
            {
                var plan = await new OperatorRequests(target.Store, TimeProvider.System).ReinitAsync(name, ct, parse.GetValue(purgeOld));
                if (!plan.Accepted)
                {
                    await Console.Error.WriteLineAsync($"keel reinit: refused, nothing changed: {plan.Message}");
                    return 1;
                }
                Console.WriteLine(plan.Message);
                return parse.GetValue(wait) <= 0 ? 0 : await AgentFollower.UntilStreamingAfterCloneAsync(target.Store, target.Tls, name, TimeSpan.FromSeconds(parse.GetValue(wait)), "reinit", ct);
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel reinit: etcd is unreachable: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
