using Keel.Agent.Backup;
using Keel.Agent.Backup.Archive;
using Keel.Agent.Store;
using Keel.Core.Backup.Archive;
using Keel.Etcd;

namespace Keel.Playground;

/// <summary>
/// `keel restore --home DIR`: a new playground beside the old one, on its own ports, built from a backup and the
/// binlog archive. Its first member's datadir is the restored copy; that member starts alone and leads, and the
/// other two are added with `keel member add`'s path, so they clone from it (never two servers started empty).
/// </summary>
public sealed class PlaygroundRestore(PlaygroundRunner runner, TextWriter output)
{
    public const string FirstMember = "m1";

    /// <summary>The spec of the new playground: the default, with only its first member for now.</summary>
    public PlaygroundSpec NewSpec(int basePort)
    {
        if (runner.LoadSpec() is not null)
        {
            throw new RestoreRefusedException($"{runner.Layout.Home} already holds a playground; restore into a new --home (Keel never writes over one)");
        }
        var full = PlaygroundSpec.Default(basePort);
        return full with { Members = [.. full.Members.Where(m => m.Name == FirstMember)] };
    }

    public async Task<PlaygroundSpec> RunAsync(PlaygroundSpec spec, RestorePlan plan, IBackupRepository repository, BinlogArchive archive, TimeSpan timeout, CancellationToken ct)
    {
        var data = runner.Layout.MemberData(FirstMember);
        if (BackupRestorer.Refusal(plan, data) is { } why)
        {
            throw new RestoreRefusedException(why);
        }
        Directory.CreateDirectory(runner.Layout.MemberDir(FirstMember));
        var end = await new BackupRestorer(repository, archive, TimeProvider.System, line => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"))
            .RestoreAsync(plan, data, ct);
        await output.WriteLineAsync($"restored {FirstMember}'s datadir at GTID {end}; starting the new cluster");
        spec = runner.LoadOrCreateSpec(() => spec);
        spec = await runner.UpAsync(spec, timeout, ct, waitHealthy: false);
        await WaitLeaderAsync(spec, $"backup {plan.Backup.Id} and {plan.TransactionCount} archived transactions, at {end}", timeout, ct);
        var membership = new PlaygroundMembership(runner, output);
        foreach (var name in new[] { "m2", "m3" })
        {
            await membership.AddAsync(name, ct);
        }
        spec = runner.LoadSpec()!;
        await runner.WaitHealthyAsync(spec, timeout, ct);
        await output.WriteLineAsync("the restored cluster is ready");
        return spec;
    }

    private async Task WaitLeaderAsync(PlaygroundSpec spec, string what, TimeSpan timeout, CancellationToken ct)
    {
        using var etcd = new EtcdClient(spec.EtcdOptions());
        var store = new ClusterStore(etcd, new KeyLayout(spec.Cluster));
        await store.InitializeFromRestoreAsync(FirstMember, what, DateTimeOffset.UtcNow, ct);
        var deadline = DateTime.UtcNow + timeout;
        while ((await store.ReadAsync(ct)).Leader?.Name != FirstMember)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new PlaygroundException($"{FirstMember} did not take the lead of the restored cluster within {timeout.TotalSeconds:0} s; see {runner.Layout.AgentLog(FirstMember)}");
            }
            await Task.Delay(200, ct);
        }
        await output.WriteLineAsync($"{FirstMember} leads the restored cluster; adding m2 and m3, which clone from it");
    }
}
