using System.CommandLine;
using System.Globalization;
using Keel.Agent.Backup;
using Keel.Agent.Backup.Archive;
using Keel.Core.Backup.Archive;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>
/// `keel restore`: a new cluster (a playground beside the old one, --home) or a single datadir (--datadir, any
/// host) from a backup plus the archived binlogs, up to the newest archived transaction, a time or a GTID. Refusals
/// (a target outside the restorable range, a gap in the archive, an existing datadir, too little disk) change nothing.
/// </summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var repo = new Option<string?>("--repo") { Description = "the backup repository (default: the default playground's HOME/backups)" };
        var backup = new Option<string?>("--backup") { Description = "the backup to start from (default: the newest usable one before the target)" };
        var toTime = new Option<string?>("--to-time") { Description = "restore every transaction that began before this time (UTC unless an offset is given; whole seconds, as the binlog records them), e.g. '2026-12-07 10:15:00'" };
        var toGtid = new Option<string?>("--to-gtid") { Description = "restore up to and including this transaction, e.g. 0-2-5310" };
        var home = new Option<string?>("--home") { Description = "build a new playground here (it must not hold one), started on the restored data" };
        var portBase = new Option<int>("--port-base") { Description = "first port of the new playground (default 3500)", DefaultValueFactory = _ => 3500 };
        var datadir = new Option<string?>("--datadir") { Description = "only restore into this datadir (it must not exist or be empty), for a member on any host" };
        var dryRun = new Option<bool>("--dry-run") { Description = "say what would be restored and stop" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the new playground to become healthy", DefaultValueFactory = _ => 600 };
        var cmd = new Command("restore", "Restore a backup plus the archived binlogs, to the newest transaction, a time or a GTID, into a new playground or a datadir")
        {
            repo, backup, toTime, toGtid, home, portBase, datadir, dryRun, timeout,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(home) is null == parse.GetValue(datadir) is null)
            {
                return Fail("give exactly one of --home DIR (a new playground) and --datadir PATH (a datadir only)");
            }
            if (!TryTarget(parse.GetValue(toTime), parse.GetValue(toGtid), out var target, out var bad))
            {
                return Fail(bad);
            }
            var root = parse.GetValue(repo) ?? PlaygroundLayout.Resolve(null).Backups;
            if (!Directory.Exists(root))
            {
                return Fail($"there is no backup repository at {root} (pass --repo DIR)");
            }
            var repository = new DirectoryBackupRepository(root);
            var archive = new BinlogArchive(root);
            var timeline = ArchiveTimeline.Build(archive.ReadAll());
            var (plan, refusal) = RestorePlanner.Plan(repository.List(), timeline, parse.GetValue(backup), target);
            if (plan is null)
            {
                return Fail(refusal!);
            }
            Console.WriteLine($"plan: backup {plan.Backup.Id} (finished {plan.Backup.FinishedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, at GTID {plan.Backup.GtidPosition}), then {plan.TransactionCount} archived transaction(s) in {plan.Ranges.Count} range(s), ending at {plan.End}{(plan.LastTransactionAt is { } at ? $" (last transaction began {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)" : "")}; target: {target}");
            if (parse.GetValue(dryRun))
            {
                return 0;
            }
            try
            {
                if (parse.GetValue(datadir) is { } dir)
                {
                    var end = await new BackupRestorer(repository, archive, TimeProvider.System, line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"))
                        .RestoreAsync(plan, dir, ct);
                    Console.WriteLine($"restored into {Path.GetFullPath(dir)} at GTID {end}. Point a member's data_dir at it and start its agent against an empty cluster prefix: it leads, and members added with `keel member add` clone from it.");
                    return 0;
                }
                var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), Console.Out);
                var restore = new PlaygroundRestore(runner, Console.Out);
                var spec = await restore.RunAsync(restore.NewSpec(parse.GetValue(portBase)), plan, repository, archive, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
                Console.WriteLine();
                StatusPrinter.PrintTable(await StatusReader.ReadPlaygroundAsync(runner.Layout, spec, ct));
                Console.WriteLine($"Status: keel status --home {runner.Layout.Home}    Stop: keel down --home {runner.Layout.Home}");
                return 0;
            }
            catch (RestoreRefusedException ex)
            {
                return Fail(ex.Message);
            }
            catch (Exception ex) when (ex is InvalidOperationException or PlaygroundException or IOException)
            {
                await Console.Error.WriteLineAsync($"keel restore: failed: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }

    private static int Fail(string why)
    {
        Console.Error.WriteLine($"keel restore: refused: {why}");
        return 1;
    }

    /// <summary>At most one of --to-time and --to-gtid; a time is whole seconds, UTC unless it carries an offset.</summary>
    internal static bool TryTarget(string? time, string? gtid, out RestoreTarget target, out string error)
    {
        target = new RestoreTarget.Latest();
        error = "";
        if (time is not null && gtid is not null)
        {
            error = "give at most one of --to-time and --to-gtid";
            return false;
        }
        if (gtid is not null)
        {
            if (!Keel.Core.Gtid.Gtid.TryParse(gtid, out var g))
            {
                error = $"--to-gtid: '{gtid}' is not a GTID (domain-server-sequence, e.g. 0-2-5310)";
                return false;
            }
            target = new RestoreTarget.ThroughGtid(g);
        }
        if (time is not null)
        {
            if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                error = $"--to-time: '{time}' is not a time (e.g. '2026-12-07 10:15:00', UTC)";
                return false;
            }
            if (at.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                error = $"--to-time: '{time}' has a fraction of a second; the binlog records whole seconds, so give a whole second";
                return false;
            }
            target = new RestoreTarget.BeforeTime(at);
        }
        return true;
    }
}
