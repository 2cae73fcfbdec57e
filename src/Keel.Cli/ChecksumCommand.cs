using System.CommandLine;
using System.Diagnostics;
using Keel.Core.Checksum;
using Keel.Core.Model;
using Keel.Etcd;

namespace Keel.Cli;

/// <summary>
/// `keel checksum`: a table-level divergence check. The primary's agent checksums every table chunk by chunk with
/// statements that each replica replays on its own data at the same point of the replication stream (writes go on);
/// then every other member's agent, once it has applied the primary's position after the last chunk, says which
/// chunks differ. GTID positions alone cannot tell this: a row changed with sql_log_bin=0 leaves no GTID.
/// </summary>
internal static class ChecksumCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var o = ClusterTarget.Options();
        var tables = new Option<string?>("--tables") { Description = "only these tables, e.g. app.orders,app.users (default: every table outside the system schemas)" };
        var chunkRows = new Option<int>("--chunk-rows") { Description = "rows per chunk, by the primary key", DefaultValueFactory = _ => 1000 };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var timeout = new Option<int>("--timeout") { Description = "seconds for the whole check: the run on the primary, then the members catching up", DefaultValueFactory = _ => 300 };
        var token = ClusterTarget.TokenOption();
        var cmd = new Command("checksum", "Find rows that differ between members: chunked checksums compared at the same replication position, without stopping writes")
        {
            o.Home, o.Etcd, o.Cluster, tables, chunkRows, format, timeout, token,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            using var target = ClusterTarget.Resolve(parse, o, "checksum");
            if (target is null)
            {
                return 2;
            }
            var (key, tokenError) = target.ApiToken(parse.GetValue(token));
            if (tokenError is not null || string.IsNullOrEmpty(key))
            {
                await Console.Error.WriteLineAsync($"keel checksum: {tokenError ?? "the agents' API needs their api.token: pass --token-file FILE or set KEEL_API_TOKEN"}");
                return 2;
            }
            if (parse.GetValue(chunkRows) < 1)
            {
                await Console.Error.WriteLineAsync("keel checksum: --chunk-rows must be at least 1");
                return 2;
            }
            var only = parse.GetValue(tables)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var json = parse.GetValue(format) == "json";
            try
            {
                using var client = new ChecksumClient(key, target.Tls);
                var report = await RunAsync(target, client, only, parse.GetValue(chunkRows), TimeSpan.FromSeconds(parse.GetValue(timeout)), json ? Console.Error : Console.Out, ct);
                if (report is null)
                {
                    return 2;
                }
                if (json)
                {
                    ChecksumPrinter.PrintJson(report);
                }
                else
                {
                    ChecksumPrinter.PrintTable(report);
                }
                return report.ExitCode;
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel checksum: etcd is unreachable: {ex.Message}");
                return 2;
            }
        });
        return cmd;
    }

    /// <summary>The report, or null after saying on stderr why there is none.</summary>
    private static async Task<ChecksumReport?> RunAsync(ClusterTarget target, ChecksumClient client, IReadOnlyList<string>? tables, int chunkRows, TimeSpan timeout,
        TextWriter progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var view = await target.Store.ReadAsync(ct);
        if (view.Leader?.Name is not { } primary || !view.Members.TryGetValue(primary, out var leader))
        {
            return await Fail("there is no primary now (see `keel status`)");
        }
        var id = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
        var (started, refusal) = await client.StartAsync(leader.ApiUrl, id, tables, chunkRows, ct);
        if (started is null)
        {
            return await Fail($"{primary}'s agent refused the run: {refusal}");
        }
        await progress.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss} checksum run {id} started on {primary}: {ChecksumReport.Count(started.Tables.Count, "table")}, chunks of {chunkRows} rows");
        var (run, error) = await FollowAsync(client, leader.ApiUrl, started, timeout - clock.Elapsed, progress, ct);
        if (run is not { State: ChecksumRunState.Done, EndPosition: { } end })
        {
            return await Fail(error ?? $"the run on {primary} failed: {run?.Error}");
        }
        await progress.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss} {ChecksumReport.Count(run.Chunks, "chunk")} checksummed on {primary} ({clock.Elapsed.TotalSeconds:0.0} s); asking the other members once they reach {end}");
        var wait = timeout - clock.Elapsed > TimeSpan.FromSeconds(5) ? timeout - clock.Elapsed : TimeSpan.FromSeconds(5);
        var answers = await Task.WhenAll(Others(view, primary).Select(async m =>
            m.State is null
                ? MemberChecksum.Failed(m.Name, "its agent publishes no state (down or cut off from etcd)")
                : await client.ResultAsync(m.State.ApiUrl, id, end, wait, ct) is var (result, why) && result is not null ? result : MemberChecksum.Failed(m.Name, why ?? "no answer")));
        return ChecksumReport.Build(run, answers);

        async Task<ChecksumReport?> Fail(string why)
        {
            await Console.Error.WriteLineAsync($"keel checksum: {why}");
            return null;
        }
    }

    /// <summary>Every member but the primary: those publishing state, and those on the roster that do not (they cannot be checked).</summary>
    private static IEnumerable<(string Name, MemberState? State)> Others(ClusterView view, string primary) =>
        view.Members.Values.Where(m => m.Name != primary).Select(m => (m.Name, (MemberState?)m))
            .Concat(view.Silent.Where(n => n != primary).Select(n => (n, (MemberState?)null)))
            .OrderBy(m => m.Item1, StringComparer.Ordinal);

    /// <summary>Polls the primary's agent until the run ends, printing a line when a table is finished or a few seconds passed.</summary>
    private static async Task<(ChecksumRun? Run, string? Error)> FollowAsync(ChecksumClient client, string apiUrl, ChecksumRun run, TimeSpan wait, TextWriter progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var shown = (run.TablesDone, Seconds: 0L);
        while (run.State == ChecksumRunState.Running)
        {
            if (clock.Elapsed > wait)
            {
                return (null, $"the run {run.Run} did not finish within the timeout ({run.Chunks} chunks so far); it goes on on {run.Primary}");
            }
            await Task.Delay(Poll, ct);
            var (next, error) = await client.ProgressAsync(apiUrl, run.Run, ct);
            if (next is null)
            {
                return (null, $"lost the run on {run.Primary}: {error}");
            }
            run = next;
            var seconds = (long)clock.Elapsed.TotalSeconds;
            if (run.State == ChecksumRunState.Running && (run.TablesDone != shown.TablesDone || seconds - shown.Seconds >= 5))
            {
                await progress.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss} {run.TablesDone} of {run.Tables.Count} tables done, {run.Chunks} chunks; now {run.CurrentTable}");
                shown = (run.TablesDone, seconds);
            }
        }
        return (run, null);
    }
}
