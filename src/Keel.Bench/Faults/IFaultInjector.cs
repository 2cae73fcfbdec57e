using Keel.Core.Model;

namespace Keel.Bench.Faults;

/// <summary>
/// How the benchmark hurts a member: with local signals and network namespaces on the playground, or with the
/// operator's own commands (ssh, a cloud CLI) on any other cluster.
/// </summary>
public interface IFaultInjector
{
    /// <summary>Null when <paramref name="action"/> can run here, else why not and how to make it possible.</summary>
    string? CannotRun(FaultAction action);

    /// <summary>Does <paramref name="action"/> to <paramref name="member"/> (as etcd showed it before the fault).</summary>
    Task RunAsync(FaultAction action, MemberState member, CancellationToken ct);
}
