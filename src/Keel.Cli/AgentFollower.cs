using System.Diagnostics;
using System.Net.Http.Json;
using Keel.Agent.Api;
using Keel.Agent.Store;

namespace Keel.Cli;

/// <summary>Shows what one member's agent does (its /decisions, with the clone's progress) until it streams again after a clone.</summary>
internal static class AgentFollower
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(3);

    public static async Task<int> UntilStreamingAfterCloneAsync(ClusterStore store, Keel.Os.Tls.ClientTls? tls, string name, TimeSpan wait, string command, CancellationToken ct)
    {
        using var http = Keel.Os.Tls.ClientTls.For(tls, AgentTimeout);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var clock = Stopwatch.StartNew();
        var cloned = false;
        var seen = new HashSet<(DateTimeOffset, string)>();
        while (clock.Elapsed < wait)
        {
            var view = await store.ReadAsync(ct);
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
                    // The agent is starting, busy or restarting; its decisions are read again on the next poll.
                }
                if (cloned && m.IoRunning && m.SqlRunning && m.Following == view.Leader?.Name)
                {
                    Console.WriteLine($"{name} streams from {m.Following} again ({clock.Elapsed.TotalSeconds:0.0} s)");
                    return 0;
                }
            }
            await Task.Delay(Poll, ct);
        }
        await Console.Error.WriteLineAsync($"keel {command}: {name} did not stream within {wait.TotalSeconds:0} s; see `keel status` and its agent's log");
        return 1;
    }
}
