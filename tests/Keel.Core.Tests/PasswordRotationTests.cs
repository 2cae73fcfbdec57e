using Keel.Core.Decisions;
using Keel.Core.Passwords;
using static Keel.Core.Tests.SnapshotBuilder;

namespace Keel.Core.Tests;

/// <summary>Password rotation: MariaDB's hash, the statements, and who carries a phase out (the healthy primary only).</summary>
public class PasswordRotationTests
{
    private static readonly string NewHash = NativePassword.Hash("new2");
    private static readonly string OldHash = NativePassword.Hash("old1");

    private static PasswordRotation Rotation(RotationPhase phase, string? appliedAt = null) =>
        new("app", "app", phase, NewHash, OldHash, Now, appliedAt);

    [Theory]
    // PASSWORD('...') of MariaDB 10.11, read from a real server.
    [InlineData("new2", "*5ADC78E8CB6B58476B153E2807E4D26CD2D927B5")]
    [InlineData("old1", "*C906F44266002275A899856CB61A48A34B3A14DF")]
    public void The_hash_is_mariadbs_password_function(string password, string hash)
    {
        Assert.Equal(hash, NativePassword.Hash(password));
        Assert.True(NativePassword.IsHash(hash));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("*5adc78e8cb6b58476b153e2807e4d26cd2d927b5")]
    [InlineData("*5ADC78E8CB6B58476B153E2807E4D26CD2D927B")]
    [InlineData("*5ADC78E8CB6B58476B153E2807E4D26CD2D927B5' OR 1=1 -- ")]
    [InlineData("5ADC78E8CB6B58476B153E2807E4D26CD2D927B5A")]
    public void Anything_but_a_hash_is_refused(string? text) => Assert.False(NativePassword.IsHash(text));

    [Fact]
    public void The_phases_accept_both_passwords_then_the_new_one_only()
    {
        Assert.Equal($"ALTER USER 'app'@'%' IDENTIFIED VIA mysql_native_password USING '{NewHash}' OR mysql_native_password USING '{OldHash}'",
            Rotation(RotationPhase.Both).Statement("'app'@'%'"));
        Assert.Equal($"ALTER USER 'app'@'%' IDENTIFIED VIA mysql_native_password USING '{NewHash}'", Rotation(RotationPhase.NewOnly).Statement("'app'@'%'"));
    }

    [Fact]
    public void The_healthy_primary_applies_a_pending_phase()
    {
        var d = HaDecider.Decide(Snapshot(Primary(), Cluster("m1", Member("m2", Replica("m1"))) with { PasswordRotation = Rotation(RotationPhase.Both) }), Now);
        Assert.Equal(Rotation(RotationPhase.Both), Assert.IsType<HaAction.ApplyPasswordPhase>(d.Action).Rotation);
        Assert.Contains("old or its new password", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_applied_phase_replicas_and_a_bad_record_change_nothing()
    {
        Assert.IsType<HaAction.None>(HaDecider.Decide(Snapshot(Primary(), Cluster("m1", Member("m2", Replica("m1"))) with { PasswordRotation = Rotation(RotationPhase.Both, "0-1-11") }), Now).Action);
        Assert.IsType<HaAction.None>(HaDecider.Decide(Snapshot(Replica("m2"), Cluster("m2", Member("m2", Primary())) with { PasswordRotation = Rotation(RotationPhase.Both) }), Now).Action);
        var bad = HaDecider.Decide(Snapshot(Primary(), Cluster("m1", Member("m2", Replica("m1"))) with { PasswordRotation = Rotation(RotationPhase.NewOnly) with { NewHash = "x' OR 1=1" } }), Now);
        Assert.IsType<HaAction.None>(bad.Action);
        Assert.Contains("not applying it", bad.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_primary_whose_lease_is_at_risk_demotes_first()
    {
        var d = HaDecider.Decide(Snapshot(Primary(), Cluster("m1") with { PasswordRotation = Rotation(RotationPhase.Both) }, new Keel.Core.Model.LeaseView(MyLease, Now.AddSeconds(1), false)), Now);
        Assert.IsType<HaAction.Demote>(d.Action);
    }
}
