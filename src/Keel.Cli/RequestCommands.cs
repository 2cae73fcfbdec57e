using System.CommandLine;
using System.Diagnostics;
using Keel.Agent.Api;
using Keel.Agent.Requests;
using Keel.Core.Requests;
using Keel.Etcd;

namespace Keel.Cli;

/// <summary>switchover, failover, pause, resume: they write a request to etcd; the agents carry it out.</summary>
internal static class RequestCommands
{
    public static Command Switchover()
    {
        var o = ClusterTarget.Options();
        var to = new Option<string?>("--to") { Description = "the member to promote (default: the best streaming replica)" };
        var maxLag = new Option<long>("--max-lag") { Description = "refuse a target lagging more than this many seconds", DefaultValueFactory = _ => AgentApi.DefaultMaxLagSeconds };
        var wait = new Option<int>("--wait") { Description = "seconds to wait for the new primary", DefaultValueFactory = _ => 30 };
        var cmd = new Command("switchover", "Planned, lossless change of primary: writes stop, the target catches up and takes over") { o.Home, o.Etcd, o.Cluster, to, maxLag, wait };
        cmd.SetAction((parse, ct) => RunAsync(parse, o, "switchover", parse.GetValue(wait),
            (r, c) => r.SwitchoverAsync(parse.GetValue(to), parse.GetValue(maxLag), c), ct));
        return cmd;
    }

    public static Command Failover()
    {
        var o = ClusterTarget.Options();
        var to = new Option<string>("--to") { Description = "the member to promote", Required = true };
        var force = new Option<bool>("--force") { Description = "go ahead although transactions may be lost (the command says which)" };
        var wait = new Option<int>("--wait") { Description = "seconds to wait for the new primary", DefaultValueFactory = _ => 30 };
        var cmd = new Command("failover", "Forced promotion when there is no healthy primary; says what may be lost before acting") { o.Home, o.Etcd, o.Cluster, to, force, wait };
        cmd.SetAction((parse, ct) => RunAsync(parse, o, "failover", parse.GetValue(wait),
            (r, c) => r.FailoverAsync(parse.GetValue(to)!, parse.GetValue(force), c), ct));
        return cmd;
    }

    public static Command Pause(bool pause)
    {
        var o = ClusterTarget.Options();
        var name = pause ? "pause" : "resume";
        var cmd = new Command(name, pause ? "Maintenance mode: agents take no automatic action" : "Leave maintenance mode") { o.Home, o.Etcd, o.Cluster };
        cmd.SetAction(async (parse, ct) =>
        {
            using var target = ClusterTarget.Resolve(parse, o, name);
            if (target is null)
            {
                return 2;
            }
            try
            {
                Console.WriteLine(await new OperatorRequests(target.Store, TimeProvider.System).SetPausedAsync(pause, ct));
                return 0;
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel {name}: etcd is unreachable: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }

    private static async Task<int> RunAsync(ParseResult parse, (Option<string?> Home, Option<string?> Etcd, Option<string?> Cluster) o, string name, int waitSeconds,
        Func<OperatorRequests, CancellationToken, Task<RequestPlan>> submit, CancellationToken ct)
    {
        using var target = ClusterTarget.Resolve(parse, o, name);
        if (target is null)
        {
            return 2;
        }
        var requests = new OperatorRequests(target.Store, TimeProvider.System);
        try
        {
            var clock = Stopwatch.StartNew();
            var plan = await submit(requests, ct);
            if (!plan.Accepted)
            {
                await Console.Error.WriteLineAsync($"keel {name}: refused, nothing changed: {plan.Message}");
                return 1;
            }
            Console.WriteLine(plan.Message);
            var to = plan.Request!.To;
            if (await requests.WaitForPrimaryAsync(to, TimeSpan.FromSeconds(waitSeconds), ct))
            {
                Console.WriteLine($"{to} is the primary ({clock.Elapsed.TotalSeconds:0.00} s)");
                return 0;
            }
            var history = await target.Store.ReadHistoryAsync(ct);
            var last = history.Count > 0 ? history[^1].Reason : "no history entry";
            await Console.Error.WriteLineAsync($"keel {name}: {to} did not become the primary within {waitSeconds} s; last history entry: {last}");
            return 1;
        }
        catch (EtcdException ex)
        {
            await Console.Error.WriteLineAsync($"keel {name}: etcd is unreachable: {ex.Message}");
            return 1;
        }
    }
}
