using Keel.Agent.Configuration;
using Keel.Agent.Server;
using Keel.Agent.Store;
using Keel.Core.Galera;
using Keel.MySql.Server;

namespace Keel.Agent.Galera;

/// <summary>Carries out one Galera decision; returns what it did in one sentence.</summary>
public sealed class GaleraExecutor(AgentConfig config, ClusterStore store, MariaDbServer server, ServerControl control, HttpClient http, TimeProvider time)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The position recovered from the stopped server, kept until it starts again.</summary>
    public GaleraState? Recovered { get; private set; }

    public void ForgetRecovered() => Recovered = null;

    public async Task<string?> ExecuteAsync(GaleraDecision decision, GaleraSnapshot s, long lease, CancellationToken ct)
    {
        var self = config.Member.Name;
        var now = time.GetUtcNow();
        switch (decision.Action)
        {
            case GaleraAction.None:
                return null;
            case GaleraAction.RecoverPosition:
                {
                    var file = GaleraStateFile.Read(config.Member.DataDir);
                    if (file is { Seqno: >= 0, Uuid: not null })
                    {
                        Recovered = new GaleraState { Recovered = true, ClusterUuid = file.Uuid, Seqno = file.Seqno, SafeToBootstrap = file.SafeToBootstrap };
                        return $"read the position {file.Uuid}:{file.Seqno} from grastate.dat";
                    }
                    var recovered = await server.RecoverWsrepPositionAsync(StartTimeout, ct);
                    Recovered = new GaleraState { Recovered = true, ClusterUuid = recovered?.Uuid ?? file?.Uuid, Seqno = recovered?.Seqno ?? -1, SafeToBootstrap = file?.SafeToBootstrap };
                    return recovered is { } r
                        ? $"recovered the position {r.Uuid}:{r.Seqno} from InnoDB (mariadbd --wsrep-recover; grastate.dat said seqno -1)"
                        : "found no Galera position in the datadir (mariadbd --wsrep-recover reported none)";
                }
            case GaleraAction.Bootstrap b:
                {
                    var record = new GaleraBootstrapRecord(self, s.Local?.ClusterUuid, b.Seqno, now, b.Forced);
                    if (!await store.TakeGaleraBootstrapAsync(record, b.NewCluster, lease, decision.Reason, ct))
                    {
                        return "another node holds the bootstrap key (or initialized the cluster) first";
                    }
                    // The agent, not an operator, says this node may bootstrap: it was chosen as the most advanced.
                    var marked = GaleraStateFile.MarkSafeToBootstrap(config.Member.DataDir);
                    await control.StartGaleraAsync(["--wsrep-new-cluster"], ensureUsers: true, StartTimeout, ct);
                    Recovered = null;
                    return b.NewCluster
                        ? "took the bootstrap key and started a new Galera cluster (--wsrep-new-cluster)"
                        : $"took the bootstrap key, {(marked ? "set safe_to_bootstrap in grastate.dat " : "")}and started a new Primary Component from seqno {b.Seqno} (--wsrep-new-cluster)";
                }
            case GaleraAction.Join join:
                {
                    if (!await AnyServesAsync(join.ViaApiUrls, ct))
                    {
                        return $"did not launch the local server: {string.Join(", ", join.Via)} no longer serves (its record was a moment old)";
                    }
                    var pid = await control.LaunchGaleraJoinerAsync(join.Donors, ct);
                    Recovered = null;
                    return $"launched the local server (pid {pid}) to join the Primary Component{(join.Donors.Count > 0 ? $" (donor preferred: {string.Join(", ", join.Donors)})" : "")}; it is Synced after its state transfer (IST, or SST by mariabackup)";
                }
            case GaleraAction.RestartServer restart:
                {
                    await store.DeleteGaleraRestartAsync(self, ct);
                    await server.StopAsync(StartTimeout, ct);
                    var pid = await control.LaunchGaleraJoinerAsync(restart.Donors, ct);
                    return $"stopped the local server cleanly and launched it again (pid {pid}); it rejoins by IST";
                }
            case GaleraAction.StopServer:
                // A node with nobody to join ignores SIGTERM while it waits for a Primary Component; it has applied
                // nothing since, so after a short wait SIGKILL is safe (InnoDB and --wsrep-recover handle the rest).
                await server.StopAsync(TimeSpan.FromSeconds(5), ct);
                Recovered = null;
                return "stopped the local server";
            case GaleraAction.DropBootstrapKey:
                await store.DropGaleraBootstrapAsync(self, ct);
                return "deleted the bootstrap key";
            case GaleraAction.AcquireWriter:
                if (!await store.AcquireLeaderAsync(self, lease, now, ct))
                {
                    return "another node took the writer key first";
                }
                await store.AppendHistoryAsync(new HistoryEntry(now, s.Cluster?.LastLeader, self, decision.Reason, s.Local?.Seqno?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""), ct);
                return "took the writer key";
            case GaleraAction.ReleaseWriter r:
                return await store.ReleaseLeaderAsync(r.CreateRevision, ct) ? "deleted the writer key" : "the writer key had already changed";
            default:
                throw new InvalidOperationException($"no executor step for {decision.Action}");
        }
    }

    /// <summary>True when one of the agents answers /health with 200 now (it serves), each asked with a short timeout.</summary>
    private async Task<bool> AnyServesAsync(IReadOnlyList<string> apiUrls, CancellationToken ct)
    {
        foreach (var url in apiUrls)
        {
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(config.Timing.RequestTimeout);
                using var response = await http.GetAsync($"{url}/health", cts.Token);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // That agent does not answer: ask the next.
            }
        }
        return false;
    }
}
