using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Keel.Core.Model;
using Keel.Core.Requests;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

/// <summary>
/// Property tests over what the REST request parameters reach (POST /switchover?to=&amp;max_lag=, /failover?to=&amp;force=,
/// /reinit?member=): any target text and any lag limit get a plan or a refusal with a reason, never a crash, and a
/// refused request writes nothing.
/// </summary>
public class RequestPropertyTests
{
    private static readonly ClusterView[] Views =
    [
        Cluster("m1", [Member("m1", Primary()), Member("m2", Replica("m1")) with { Following = "m1" }, Member("m3", Replica("m1")) with { Following = "m1", LagSeconds = 40 }]),
        Cluster(null, [Member("m2", Replica("m1")), Member("m3", LocalServerStopped())]),
        Cluster("m1", []),
    ];

    private static LocalServer LocalServerStopped() => LocalServer.Stopped();

    private static Arbitrary<string?> Targets() =>
        Gen.OneOf<string?>(Gen.Elements<string?>(null, "", "m1", "m2", "m3", "m9", " m2", "M2", "m2\n", "../m2", "m2; DROP TABLE x", new string('m', 300)),
            ArbMap.Default.GeneratorFor<string>().Select(s => (string?)s)).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Any_switchover_parameters_get_a_plan_or_a_reason() =>
        Prop.ForAll(Gen.Elements(0, 1, 2).ToArbitrary(), Targets(), ArbMap.Default.ArbFor<long>(), (view, to, maxLag) =>
        {
            var plan = RequestPlanner.PlanSwitchover(Views[view], to, maxLag, Now);
            return plan.Message.Length > 0 && (plan.Accepted ? plan.Request!.To is "m2" or "m3" : plan.Request is null);
        });

    [Property(MaxTest = 500)]
    public Property Any_failover_and_reinit_parameters_get_a_plan_or_a_reason() =>
        Prop.ForAll(Gen.Elements(0, 1, 2).ToArbitrary(), Targets(), ArbMap.Default.ArbFor<bool>(), (view, to, force) =>
        {
            var failover = RequestPlanner.PlanFailover(Views[view], to ?? "", force, Now);
            var reinit = RequestPlanner.PlanReinit(Views[view], to ?? "");
            return failover.Message.Length > 0 && reinit.Message.Length > 0
                && (!failover.Accepted || failover.Request!.To is "m2" or "m3")
                && (!reinit.Accepted || to is "m1" or "m2" or "m3");
        });
}
