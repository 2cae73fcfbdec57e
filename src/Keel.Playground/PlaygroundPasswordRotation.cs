using Keel.Agent.Store;
using Keel.Core.Gtid;
using Keel.Core.Passwords;
using Keel.Etcd;
using Keel.Os;

namespace Keel.Playground;

/// <summary>
/// `keel rotate-password app|repl|admin` on the playground, with no failed login or write at any moment:
/// 1. the primary's agent lets the account log in with the old or the new password (one binlogged ALTER USER, so every
///    member gets it by replication), and the command waits until every member has it;
/// 2. Keel's side switches: the playground's files get the new password (0600); agents read their file's users
///    section whenever they use a password (AgentConfig.CurrentUsers), so none restarts and no session drops;
///    for the replication account, each replica's agent sees the new password in its file and reconnects its
///    replication with it (CHANGE MASTER), and the command waits until every replica says it uses the new one;
/// 3. the primary's agent drops the old password, again everywhere by replication; the rotation key is deleted.
/// The new password is kept in HOME/rotate-ACCOUNT.pending (0600) until the end, so an interrupted rotation is
/// finished by running the command again. The store only ever holds the two passwords' hashes.
/// </summary>
public sealed class PlaygroundPasswordRotation(PlaygroundRunner runner, TextWriter output)
{
    private PlaygroundLayout Layout => runner.Layout;

    private string PendingFile(string account) => Path.Combine(Layout.Home, $"rotate-{account}.pending");

    public async Task<PlaygroundSpec> RotateAsync(string account, TimeSpan timeout, CancellationToken ct)
    {
        var spec = runner.LoadSpec() ?? throw new PlaygroundException($"no playground in {Layout.Home}; start one with `keel up`");
        var (user, current) = account switch
        {
            "app" => (spec.AppUser, spec.AppPassword),
            "admin" => (ConfigFiles.AdminUser, spec.AdminPasswordInUse),
            "repl" => (ConfigFiles.ReplicationUser, spec.ReplicationPasswordInUse),
            _ => throw new PlaygroundException($"ACCOUNT must be app, repl or admin, not '{account}'"),
        };
        if (spec.Galera)
        {
            throw new PlaygroundException("rotate-password does not run in Galera mode yet (wsrep_sst_auth holds the admin password); nothing changed");
        }
        var (old, next) = PendingPasswords(account, current);
        using var etcd = new EtcdClient(spec.EtcdOptions());
        var store = new ClusterStore(etcd, new KeyLayout(spec.Cluster));
        var view = await store.ReadAsync(ct);
        if (view.PasswordRotation is { } other && other.Account != account)
        {
            throw new PlaygroundException($"a rotation of the {other.Account} password is in progress; run `keel rotate-password {other.Account}` to finish it first");
        }
        var deadline = DateTimeOffset.UtcNow + timeout;
        if (view.PasswordRotation is not { Phase: RotationPhase.NewOnly })
        {
            if (view.PasswordRotation is not { Phase: RotationPhase.Both } both || both.NewHash != NativePassword.Hash(next))
            {
                await store.PutPasswordRotationAsync(new PasswordRotation(account, user, RotationPhase.Both, NativePassword.Hash(next), NativePassword.Hash(old), DateTimeOffset.UtcNow), ct);
            }
            await WaitEverywhereAsync(store, spec, RotationPhase.Both, deadline, ct);
            await output.WriteLineAsync($"every member lets {user} log in with the old or the new password");

            spec = account switch
            {
                "app" => spec with { AppPassword = next },
                "repl" => spec with { ReplicationPassword = next },
                _ => spec with { AdminPassword = next },
            };
            foreach (var m in spec.Members)
            {
                AtomicFile.WriteSecret(Layout.MemberConfig(m.Name), ConfigFiles.AgentYaml(spec, Layout, m));
            }
            AtomicFile.WriteSecret(Layout.ClientCnf, ConfigFiles.ClientCnf(spec, Layout));
            AtomicFile.WriteSecret(Layout.SpecFile, spec.ToJson());
            await output.WriteLineAsync($"the playground's files (client.cnf, playground.json, every agent.yaml) hold the new password");
            if (account == "repl")
            {
                await WaitReplicasReconnectedAsync(store, spec, next, deadline, ct);
                await output.WriteLineAsync("every replica reconnected its replication with the new password");
            }
            await store.PutPasswordRotationAsync(new PasswordRotation(account, user, RotationPhase.NewOnly, NativePassword.Hash(next), NativePassword.Hash(old), DateTimeOffset.UtcNow), ct);
        }
        else
        {
            spec = runner.LoadSpec()!;
        }
        await WaitEverywhereAsync(store, spec, RotationPhase.NewOnly, deadline, ct);
        await store.DeletePasswordRotationAsync(ct);
        File.Delete(PendingFile(account));
        await output.WriteLineAsync($"rotated the {account} password: every member accepts only the new one ("
            + (account == "app" ? $"in {Layout.ClientCnf}, playground.json and the agents' configs)" : "in playground.json and the agents' configs)"));
        return spec;
    }

    /// <summary>The old and new passwords: from an interrupted rotation's file, else the current one and a new one (saved first).</summary>
    private (string Old, string Next) PendingPasswords(string account, string current)
    {
        var file = PendingFile(account);
        if (File.Exists(file) && File.ReadAllLines(file) is [var old, var next, ..])
        {
            return (old, next);
        }
        var fresh = PlaygroundSpec.NewSecret(account);
        AtomicFile.WriteSecret(file, current + "\n" + fresh + "\n");
        return (current, fresh);
    }

    /// <summary>
    /// Waits until every member but the primary publishes that its replication connects with <paramref name="password"/>
    /// (its fingerprint) and streams: only then may the old password go, or a replica's next reconnect would fail.
    /// </summary>
    private static async Task WaitReplicasReconnectedAsync(ClusterStore store, PlaygroundSpec spec, string password, DateTimeOffset deadline, CancellationToken ct)
    {
        var fingerprint = PasswordFingerprint.Of(password);
        var last = "";
        while (DateTimeOffset.UtcNow < deadline)
        {
            var view = await store.ReadAsync(ct);
            var behind = spec.Members.Where(m => m.Name != view.Leader?.Name)
                .Where(m => !(view.Members.TryGetValue(m.Name, out var s) && s.ReplicationPasswordFingerprint == fingerprint && s.IoRunning && s.SqlRunning))
                .Select(m => m.Name).ToList();
            if (view.Leader is not null && behind.Count == 0)
            {
                return;
            }
            last = view.Leader is null ? "no primary" : $"{string.Join(", ", behind)} not reconnected with the new password yet";
            await Task.Delay(200, ct);
        }
        throw new PlaygroundException($"the password rotation did not complete in time ({last}); run the command again to finish it");
    }

    /// <summary>Waits until the primary applied <paramref name="phase"/> and every member's binlog holds that position.</summary>
    private static async Task WaitEverywhereAsync(ClusterStore store, PlaygroundSpec spec, RotationPhase phase, DateTimeOffset deadline, CancellationToken ct)
    {
        var last = "";
        while (DateTimeOffset.UtcNow < deadline)
        {
            var view = await store.ReadAsync(ct);
            if (view.PasswordRotation is { IsApplied: true } r && r.Phase == phase && GtidPosition.TryParse(r.AppliedAt, out var at))
            {
                var behind = spec.Members.Where(m => !(view.Members.TryGetValue(m.Name, out var s) && GtidPosition.TryParse(s.BinlogPosition, out var p) && p.Contains(at)))
                    .Select(m => m.Name).ToList();
                if (behind.Count == 0)
                {
                    return;
                }
                last = $"{string.Join(", ", behind)} not at {at} yet";
            }
            else
            {
                last = $"the primary has not applied the {phase} phase yet";
            }
            await Task.Delay(200, ct);
        }
        throw new PlaygroundException($"the password rotation did not complete in time ({last}); run the command again to finish it");
    }
}
