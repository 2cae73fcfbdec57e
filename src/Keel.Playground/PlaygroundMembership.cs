using Keel.Agent.Proxy;
using Keel.Agent.Store;
using Keel.Etcd;
using Keel.Os;

namespace Keel.Playground;

/// <summary>
/// `keel member add` and `keel member remove` on the playground: the spec, the agent's configuration, HAProxy's two
/// backends (changed at runtime, no reload, and in haproxy.cfg for the next start) and etcd's roster. The supervisor
/// starts the new member's agent (it re-reads the spec), and the agent clones its data by the clone rule.
/// </summary>
public sealed class PlaygroundMembership(PlaygroundRunner runner, TextWriter output)
{
    private static readonly TimeSpan HaproxyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private PlaygroundLayout Layout => runner.Layout;

    public async Task<PlaygroundMember> AddAsync(string name, CancellationToken ct)
    {
        var spec = runner.LoadSpec() ?? throw new PlaygroundException($"no playground in {Layout.Home}; start one with `keel up`");
        var (next, error) = spec.WithMember(name);
        if (next is null)
        {
            throw new PlaygroundException(error!);
        }
        var member = next.Members[^1];
        if (next.TlsEnabled)
        {
            PlaygroundTls.Ensure(Layout, next);
        }
        PrivateDirectory.Create(Layout.MemberDir(name));
        Directory.CreateDirectory(Layout.MemberRun(name));
        AtomicFile.WriteSecret(Layout.MemberConfig(name), ConfigFiles.AgentYaml(next, Layout, member));
        await File.WriteAllTextAsync(Layout.HaproxyConfig, ConfigFiles.HaproxyCfg(next, Layout), ct);
        var answer = await new HaproxyRuntime(Layout.HaproxySocket, HaproxyTimeout).SendAsync(ConfigFiles.HaproxyAddServer(next, Layout, member), ct);
        if (ProblemIn(answer) is { } problem)
        {
            throw new PlaygroundException($"HAProxy did not take {name}: {problem}");
        }
        // Written last: the supervisor starts the agent as soon as it sees the member in the spec.
        AtomicFile.WriteSecret(Layout.SpecFile, next.ToJson());
        await output.WriteLineAsync($"added {name} (MariaDB {member.Address}:{member.MySqlPort}, agent API {member.ApiPort}) to HAProxy and the playground; its agent clones it from the best donor");
        return member;
    }

    public async Task RemoveAsync(string name, CancellationToken ct)
    {
        var spec = runner.LoadSpec() ?? throw new PlaygroundException($"no playground in {Layout.Home}; start one with `keel up`");
        var member = spec.Members.FirstOrDefault(m => m.Name == name)
            ?? throw new PlaygroundException($"{name} is not a member (members: {string.Join(", ", spec.Members.Select(m => m.Name))})");
        if (spec.Members.Count <= 2)
        {
            throw new PlaygroundException($"removing {name} would leave one member, and a primary needs a replica to acknowledge its commits");
        }
        using var etcd = new EtcdClient(spec.EtcdOptions());
        var store = new ClusterStore(etcd, new KeyLayout(spec.Cluster));
        var view = await store.ReadAsync(ct);
        if (view.Leader?.Name == name)
        {
            throw new PlaygroundException($"{name} is the primary; switch over first (`keel switchover`), then remove it");
        }

        // The supervisor stops restarting it first; then its processes stop, and only then it leaves the roster.
        var next = spec with { Members = [.. spec.Members.Where(m => m.Name != name)] };
        AtomicFile.WriteSecret(Layout.SpecFile, next.ToJson());
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct); // one supervisor loop (200 ms) and a margin
        await runner.StopMembersAsync([member], TimeSpan.FromSeconds(10), StopTimeout, ct);
        await store.RemoveMemberAsync(name, ct);
        await File.WriteAllTextAsync(Layout.HaproxyConfig, ConfigFiles.HaproxyCfg(next, Layout), ct);
        var answer = await new HaproxyRuntime(Layout.HaproxySocket, HaproxyTimeout).SendAsync(ConfigFiles.HaproxyDeleteServer(name), ct);
        if (ProblemIn(answer) is { } problem)
        {
            await output.WriteLineAsync($"warning: HAProxy said: {problem}");
        }
        await output.WriteLineAsync($"removed {name} from etcd's roster and from HAProxy; its data is kept in {Layout.MemberDir(name)}");
    }

    /// <summary>HAProxy answers every command; a line that is not a plain acknowledgement is a problem.</summary>
    private static string? ProblemIn(string answer)
    {
        var bad = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("New server registered", StringComparison.Ordinal) && !l.StartsWith("Server deleted", StringComparison.Ordinal))
            .ToList();
        return bad.Count == 0 ? null : string.Join("; ", bad);
    }
}
