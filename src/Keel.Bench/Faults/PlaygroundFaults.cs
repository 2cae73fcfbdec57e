using Keel.Core.Model;
using Keel.Network;
using Keel.Playground;

namespace Keel.Bench.Faults;

/// <summary>Faults on the playground: signals to its processes, and its network lab for the NIC cases.</summary>
public sealed class PlaygroundFaults(PlaygroundBenchCluster cluster) : IFaultInjector
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    private static readonly TimeSpan EtcdStart = TimeSpan.FromSeconds(30);

    private PlaygroundEtcd Etcd => cluster.Runner.Etcd(cluster.Spec);

    public string? CannotRun(FaultAction action) => action switch
    {
        FaultAction.NicDown or FaultAction.NicUp when !cluster.Spec.IsolatedHosts => "it needs a playground started with `keel up --isolated-hosts`",
        FaultAction.EtcdLeaderKill or FaultAction.EtcdLeaderCutOff or FaultAction.EtcdQuorumLoss or FaultAction.EtcdLeaderPause
            when cluster.Spec.EtcdSize < 3 => "it needs an etcd cluster of three (this playground was made with a single etcd)",
        FaultAction.EtcdLeaderCutOff => Etcd.CannotCutOff(),
        _ => null,
    };

    public async Task RunAsync(FaultAction action, MemberState member, CancellationToken ct)
    {
        switch (action)
        {
            case FaultAction.KillServer:
                cluster.Server(member.Name).Kill();
                break;
            case FaultAction.KillAgent:
                Signal(member.AgentPid, ProcessTools.SigKill);
                break;
            case FaultAction.Pause:
                // The agent first, so that it cannot react to its own server stopping.
                Signal(member.AgentPid, SigStop);
                Signal(member.ServerPid, SigStop);
                break;
            case FaultAction.Resume:
                Signal(member.ServerPid, SigCont);
                Signal(member.AgentPid, SigCont);
                break;
            case FaultAction.NicDown:
            case FaultAction.NicUp:
                var lab = await NetworkLab.OpenAsync(cluster.Spec.LabRunId ?? throw new InvalidOperationException("the playground has no isolated hosts"), ct);
                await using (lab)
                {
                    lab.Detach(); // the playground owns it; `keel down` deletes it
                    if (action == FaultAction.NicDown)
                    {
                        await lab.NicDownAsync(member.Name, ct);
                    }
                    else
                    {
                        await lab.NicUpAsync(member.Name, ct);
                    }
                }
                break;
            case FaultAction.EtcdLeaderKill:
                Etcd.Kill(await EtcdLeaderAsync(ct));
                break;
            case FaultAction.EtcdLeaderCutOff:
                await Etcd.CutOffAsync(await EtcdLeaderAsync(ct), ct);
                break;
            case FaultAction.EtcdLeaderPause:
                Etcd.Pause(await EtcdLeaderAsync(ct));
                break;
            case FaultAction.EtcdQuorumLoss:
                foreach (var e in Etcd.Members.Take((Etcd.Members.Count / 2) + 1))
                {
                    Etcd.Kill(e.Name);
                }
                break;
            case FaultAction.EtcdHeal:
                foreach (var e in Etcd.Members)
                {
                    Etcd.Resume(e.Name);
                    await Etcd.ReconnectAsync(e.Name, ct);
                }
                await Etcd.StartAsync(EtcdStart, ct);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }

    private async Task<string> EtcdLeaderAsync(CancellationToken ct) =>
        await Etcd.LeaderAsync(EtcdStart, ct) ?? throw new InvalidOperationException($"no etcd member said it was the leader within {EtcdStart.TotalSeconds:0} s");

    private static void Signal(int? pid, int signal)
    {
        if (pid is { } p)
        {
            ProcessTools.Signal(p, signal);
        }
    }
}
