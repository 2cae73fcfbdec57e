using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using Keel.Agent.Api;
using Keel.Agent.Ha;
using Keel.Agent.Requests;
using Keel.Etcd;

namespace Keel.Cli;

/// <summary>
/// `keel reinit MEMBER`: asks a replica's agent to re-clone it, then shows what the agent does (its datadir moved
/// aside, the donor chosen, the clone's bytes, rate and time left) until it streams again.
/// </summary>
internal static class ReinitCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(3);

    public static Command Create()
    {
        var o = ClusterTarget.Options();
        var member = new Argument<string>("MEMBER") { Description = "the replica to re-clone" };
        var wait = new Option<int>("--wait") { Description = "seconds to follow the clone (0: ask and return)", DefaultValueFactory = _ => 1800 };
        var cmd = new Command("reinit", "Re-clone a replica in place from the best donor; its old datadir is moved aside and kept") { member, o.Home, o.Etcd, o.Cluster, wait };
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
                var plan = await new OperatorRequests(target.Store, TimeProvider.System).ReinitAsync(name, ct);
                if (!plan.Accepted)
                {
                    await Console.Error.WriteLineAsync($"keel reinit: refused, nothing changed: {plan.Message}");
                    return 1;
                }
                Console.WriteLine(plan.Message);
                return parse.GetValue(wait) <= 0 ? 0 : await FollowAsync(target, name, TimeSpan.FromSeconds(parse.GetValue(wait)), ct);
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel reinit: etcd is unreachable: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }

    /// <summary>Prints the member's decisions as they come, until it streams again from a new server after a clone.</summary>
    private static async Task<int> FollowAsync(ClusterTarget target, string name, TimeSpan wait, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = AgentTimeout };
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var clock = Stopwatch.StartNew();
        var cloned = false;
        var seen = new HashSet<(DateTimeOffset, string)>();
        while (clock.Elapsed < wait)
        {
            var view = await target.Store.ReadAsync(ct);
            if (view.Members.TryGetValue(name, out var m))
            {
                try
                {
                    var url = $"{m.ApiUrl.TrimEnd('/')}/decisions?since={Uri.EscapeDataString(since.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}";
                    var entries = await http.GetFromJsonAsync(url, ApiJson.Default.IReadOnlyListJournalEntry, ct) ?? [];
                    // Several entries share a millisecond: ask from the last one again and skip what was shown.
                    foreach (var e in entries.Where(e => e.At >= since && seen.Add((e.At, e.Text))))
                    {
                        Console.WriteLine($"{e.At:HH:mm:ss} {e.Text}");
                        since = e.At;
                        cloned |= e.Text.StartsWith("cloned ", StringComparison.Ordinal);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    // The agent is busy or restarting; its decisions are read again on the next poll.
                }
                if (cloned && m.IoRunning && m.SqlRunning && m.Following == view.Leader?.Name)
                {
                    Console.WriteLine($"{name} streams from {m.Following} again ({clock.Elapsed.TotalSeconds:0.0} s)");
                    return 0;
                }
            }
            await Task.Delay(Poll, ct);
        }
        await Console.Error.WriteLineAsync($"keel reinit: {name} did not stream again within {wait.TotalSeconds:0} s; see `keel status` and its agent's log");
        return 1;
    }
}
