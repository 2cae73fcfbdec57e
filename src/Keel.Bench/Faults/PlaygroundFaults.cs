using Keel.Core.Model;
using Keel.Network;
using Keel.Playground;

namespace Keel.Bench.Faults;

/// <summary>Faults on the playground: signals to its processes, and its network lab for the NIC cases.</summary>
public sealed class PlaygroundFaults(PlaygroundBenchCluster cluster) : IFaultInjector
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    public string? CannotRun(FaultAction action) =>
        action is FaultAction.NicDown or FaultAction.NicUp && !cluster.Spec.IsolatedHosts
            ? "it needs a playground started with `keel up --isolated-hosts`"
            : null;

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
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }

    private static void Signal(int? pid, int signal)
    {
        if (pid is { } p)
        {
            ProcessTools.Signal(p, signal);
        }
    }
}
