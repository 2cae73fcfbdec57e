using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Keel.Agent.Backup;
using Keel.Agent.Backup.Archive;
using Keel.Core.Backup.Archive;
using Keel.Agent.Store;
using Keel.Core.Backup;
using Keel.Etcd;
using Keel.Playground;
using Spectre.Console;

namespace Keel.Cli;

/// <summary>
/// `keel backup [--from M]` asks the chosen member's agent for a backup and shows its progress; `keel backup list`
/// and `keel backup verify ID` read the repository directly (the playground's HOME/backups, or --repo).
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var o = ClusterTarget.Options();
        var from = new Option<string?>("--from") { Description = "the member to back up (default: the healthy replica with the least lag; the primary only when no replica streams)" };
        var wait = new Option<int>("--wait") { Description = "seconds to follow the backup (0: ask and return)", DefaultValueFactory = _ => 3600 };
        var cmd = new Command("backup", "Take a full physical backup (mariabackup, zstd) into the backup repository; list and verify backups") { o.Home, o.Etcd, o.Cluster, from, wait };
        cmd.SetAction(async (parse, ct) =>
        {
            using var target = ClusterTarget.Resolve(parse, o, "backup");
            if (target is null)
            {
                return 2;
            }
            try
            {
                var store = new BackupStore(target.Etcd, target.Store.Keys);
                var (source, reason) = BackupSource.Choose(await target.Store.ReadAsync(ct), parse.GetValue(from));
                if (source is null)
                {
                    await Console.Error.WriteLineAsync($"keel backup: refused, nothing changed: {reason}");
                    return 1;
                }
                var id = BackupWorker.Id(DateTimeOffset.UtcNow, source);
                if (!await store.RequestAsync(new BackupRequest(id, source, DateTimeOffset.UtcNow, "an operator (keel backup)"), ct))
                {
                    await Console.Error.WriteLineAsync("keel backup: refused, nothing changed: a backup is already requested or running (see `keel status`)");
                    return 1;
                }
                Console.WriteLine($"asked {source} for backup {id}: {reason}");
                return parse.GetValue(wait) <= 0 ? 0 : await FollowAsync(store, id, TimeSpan.FromSeconds(parse.GetValue(wait)), ct);
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel backup: etcd is unreachable: {ex.Message}");
                return 1;
            }
        });
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(Verify());
        cmd.Subcommands.Add(ArchiveCommand());
        return cmd;
    }

    private static async Task<int> FollowAsync(BackupStore store, string id, TimeSpan wait, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        BackupProgress? shown = null;
        while (clock.Elapsed < wait)
        {
            if (await store.LastAsync(ct) is { } last && last.Id == id)
            {
                Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {last.Message}");
                return last.Succeeded ? 0 : 1;
            }
            if (await store.ProgressAsync(ct) is { } p && p.Id == id && p != shown && p.Bytes > 0)
            {
                Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {BackupWorker.Progress(p)}");
                shown = p;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        await Console.Error.WriteLineAsync($"keel backup: {id} did not finish within {wait.TotalSeconds:0} s; see `keel status` and the source's agent log");
        return 1;
    }

    private static Option<string?> RepoOption() => new("--repo") { Description = "the backup repository directory (default: the playground's HOME/backups)" };

    /// <summary>The repository named by --repo, else the playground's; null after saying why there is none.</summary>
    private static DirectoryBackupRepository? Repository(ParseResult parse, Option<string?> repo, Option<string?> home, string command)
    {
        if (parse.GetValue(repo) is { } dir)
        {
            return new DirectoryBackupRepository(dir);
        }
        var layout = PlaygroundLayout.Resolve(parse.GetValue(home));
        if (!File.Exists(layout.SpecFile))
        {
            Console.Error.WriteLine($"keel {command}: no playground in {layout.Home}; pass --repo DIR (the agents' backup.repository)");
            return null;
        }
        return new DirectoryBackupRepository(layout.Backups);
    }

    private static Command List()
    {
        var home = CommonOptions.Home();
        var repo = RepoOption();
        var json = new Option<bool>("--json") { Description = "print JSON" };
        var cmd = new Command("list", "List the finished backups: id, time, GTID position, size, verified?") { home, repo, json };
        cmd.SetAction(parse =>
        {
            if (Repository(parse, repo, home, "backup list") is not { } repository)
            {
                return 2;
            }
            var backups = repository.List();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(backups, BackupJson.Default.IReadOnlyListBackupManifest));
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded).Title($"Backups in {Markup.Escape(repository.Location)}");
            foreach (var h in new[] { "Id", "Member", "Finished (UTC)", "GTID", "Read", "Stored", "Took", "Verified" })
            {
                table.AddColumn(h);
            }
            foreach (var b in backups)
            {
                table.AddRow(Markup.Escape(b.Id), Markup.Escape(b.Member), b.FinishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(b.GtidPosition), Mb(b.StreamBytes), Mb(b.StoredBytes), string.Create(CultureInfo.InvariantCulture, $"{b.Duration.TotalSeconds:0.0} s"),
                    b.Verification switch { null => "-", { Passed: true } v => $"[green]yes[/] ({v.At:MM-dd HH:mm})", _ => "[red]FAILED[/]" });
            }
            ConsoleOutput.Create().Write(table);
            if (backups.Count == 0)
            {
                Console.WriteLine("no finished backup yet (`keel backup` takes one)");
            }
            return 0;
        });
        return cmd;
    }

    private static Command ArchiveCommand()
    {
        var home = CommonOptions.Home();
        var repo = RepoOption();
        var cmd = new Command("archive", "Show the binlog archive: its segments (one stream from one primary each), the history it holds, gaps and abandoned transactions") { home, repo };
        cmd.SetAction(parse =>
        {
            if (Repository(parse, repo, home, "backup archive") is not { } repository)
            {
                return 2;
            }
            var archive = new BinlogArchive(repository.Location);
            var files = archive.ReadAll();
            var timeline = ArchiveTimeline.Build(files);
            var table = new Table().Border(TableBorder.Rounded).Title($"Binlog archive in {Markup.Escape(archive.Root)}");
            foreach (var h in new[] { "Segment", "Files", "Bytes", "Transactions", "First", "Last" })
            {
                table.AddColumn(h);
            }
            foreach (var segment in files.GroupBy(f => f.Segment))
            {
                var all = segment.SelectMany(f => f.Transactions).ToList();
                table.AddRow(Markup.Escape(segment.Key), $"{segment.First().Name} .. {segment.Last().Name}", Mb(segment.Sum(f => f.Size)), all.Count.ToString(CultureInfo.InvariantCulture),
                    all.Count > 0 ? $"{all[0].Gtid} {all[0].At:HH:mm:ss}" : "-", all.Count > 0 ? $"{all[^1].Gtid} {all[^1].At:HH:mm:ss}" : "-");
            }
            ConsoleOutput.Create().Write(table);
            Console.WriteLine(timeline.Last is { } last
                ? $"history: {timeline.Entries.Count} transactions after {(timeline.Base.IsEmpty ? "the empty position" : timeline.Base.ToString())}, newest {last.Gtid} at {last.Transaction.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"
                : "history: no transaction archived yet");
            foreach (var gap in timeline.Gaps)
            {
                Console.WriteLine($"gap: {gap}");
            }
            if (timeline.Abandoned.Count > 0)
            {
                Console.WriteLine($"abandoned (written by a failed primary, never acknowledged, not in the new primary's history): {string.Join(", ", timeline.Abandoned)}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command Verify()
    {
        var home = CommonOptions.Home();
        var repo = RepoOption();
        var id = new Argument<string>("ID") { Description = "the backup to verify (see `keel backup list`)" };
        var scratch = new Option<string?>("--scratch") { Description = "where to restore it for the check (default: the system's temp directory); removed afterwards" };
        var cmd = new Command("verify", "Prove a backup restores: checksum, restore into a scratch directory, start a throwaway server, CHECK TABLE; the result goes into its manifest") { id, home, repo, scratch };
        cmd.SetAction(async (parse, ct) =>
        {
            if (Repository(parse, repo, home, "backup verify") is not { } repository)
            {
                return 2;
            }
            var name = parse.GetValue(id)!;
            if (repository.Find(name) is null)
            {
                await Console.Error.WriteLineAsync($"keel backup verify: there is no finished backup '{name}' in {repository.Location} (see `keel backup list`)");
                return 1;
            }
            var result = await new BackupVerifier(repository, TimeProvider.System, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"))
                .VerifyAsync(name, parse.GetValue(scratch) ?? Path.GetTempPath(), ct);
            Console.WriteLine(result.Passed ? $"verified {name}: {result.Detail}" : $"backup {name} FAILED verification: {result.Detail}");
            return result.Passed ? 0 : 1;
        });
        return cmd;
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");
}
