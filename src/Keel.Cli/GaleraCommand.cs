using System.CommandLine;
using System.Diagnostics;
using Keel.Core.Galera;
using Keel.Core.Model;
using Keel.Etcd;

namespace Keel.Cli;

/// <summary>
/// `keel galera bootstrap --force MEMBER` and `keel galera rolling-restart`: they check the cluster, write a request to
/// etcd and follow it; the agents carry it out (the CLI never talks to MySQL).
/// </summary>
internal static class GaleraCommand
{
    public static Command Create()
    {
        var cmd = new Command("galera", "Galera mode: a forced bootstrap after a full outage, and rolling restarts");
        cmd.Subcommands.Add(Bootstrap());
        cmd.Subcommands.Add(RollingRestart());
        return cmd;
    }

    private static Command Bootstrap()
    {
        var o = ClusterTarget.Options();
        var member = new Argument<string>("member") { Description = "the node to start a new Primary Component from" };
        var force = new Option<bool>("--force") { Description = "go ahead although write sets may be lost (the command says which first)" };
        var wait = new Option<int>("--wait") { Description = "seconds to wait for the node to serve", DefaultValueFactory = _ => 120 };
        var cmd = new Command("bootstrap", "Bootstrap a chosen node when the automatic recovery cannot choose; says what may be lost before acting") { o.Home, o.Etcd, o.Cluster, member, force, wait };
        cmd.SetAction(async (parse, ct) =>
        {
            using var target = ClusterTarget.Resolve(parse, o, "galera bootstrap");
            if (target is null)
            {
                return 2;
            }
            var name = parse.GetValue(member)!;
            try
            {
                var view = await target.Store.ReadAsync(ct);
                var (accepted, message) = GaleraRequests.PlanForcedBootstrap(view, name, parse.GetValue(force));
                if (!accepted)
                {
                    await Console.Error.WriteLineAsync($"keel galera bootstrap: refused, nothing changed: {message}");
                    return 1;
                }
                Console.WriteLine(message);
                await target.Store.PutGaleraForceAsync(name, $"an operator forced a bootstrap of {name}: {message}", DateTimeOffset.UtcNow, ct);
                return await UntilAsync(target, TimeSpan.FromSeconds(parse.GetValue(wait)), v => Serves(v, name), $"{name} serves in a new Primary Component", ct);
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel galera bootstrap: etcd is unreachable: {ex.Message}");
                return 2;
            }
        });
        return cmd;
    }

    private static Command RollingRestart()
    {
        var o = ClusterTarget.Options();
        var wait = new Option<int>("--wait") { Description = "seconds to wait for each node to be Synced again", DefaultValueFactory = _ => 600 };
        var cmd = new Command("rolling-restart", "Restart every node, one at a time, each back to Synced before the next (the upgrade path)") { o.Home, o.Etcd, o.Cluster, wait };
        cmd.SetAction(async (parse, ct) =>
        {
            using var target = ClusterTarget.Resolve(parse, o, "galera rolling-restart");
            if (target is null)
            {
                return 2;
            }
            try
            {
                var (order, message) = GaleraRequests.PlanRollingRestart(await target.Store.ReadAsync(ct));
                if (order is null)
                {
                    await Console.Error.WriteLineAsync($"keel galera rolling-restart: {message}");
                    return 1;
                }
                Console.WriteLine(message);
                foreach (var name in order)
                {
                    var before = (await target.Store.ReadAsync(ct)).Members[name].ServerPid;
                    await target.Store.PutGaleraRestartAsync(name, DateTimeOffset.UtcNow, ct);
                    var clock = Stopwatch.StartNew();
                    var code = await UntilAsync(target, TimeSpan.FromSeconds(parse.GetValue(wait)),
                        v => v.Members.TryGetValue(name, out var m) && m.ServerPid is { } pid && pid != before && Serves(v, name), $"{name} restarted and Synced", ct);
                    if (code != 0)
                    {
                        await target.Store.DeleteGaleraRestartAsync(name, ct);
                        await Console.Error.WriteLineAsync($"keel galera rolling-restart: stopped at {name}; the nodes after it were not restarted");
                        return code;
                    }
                    Console.WriteLine($"{name}: restarted and Synced again in {clock.Elapsed.TotalSeconds:0.0} s");
                }
                return 0;
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel galera rolling-restart: etcd is unreachable: {ex.Message}");
                return 2;
            }
        });
        return cmd;
    }

    private static bool Serves(ClusterView v, string name) =>
        v.Members.TryGetValue(name, out var m) && m.GaleraServes(allowDonor: false);

    private static async Task<int> UntilAsync(ClusterTarget target, TimeSpan wait, Func<ClusterView, bool> done, string what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            if (done(await target.Store.ReadAsync(ct)))
            {
                Console.WriteLine(what);
                return 0;
            }
            await Task.Delay(500, ct);
        }
        await Console.Error.WriteLineAsync($"keel galera: gave up waiting after {wait.TotalSeconds:0} s for: {what} (see keel status and keel history)");
        return 1;
    }
}
