using Keel.Core.Doctor;
using static Keel.Core.Doctor.ClusterDoctorRules;

namespace Keel.Core.Tests;

public sealed class DoctorRulesTests
{
    [Theory]
    [InlineData("10.11.19-MariaDB-0+deb12u1-log", Verdict.Pass, "none of the")]
    [InlineData("10.11.10-MariaDB", Verdict.Fail, "MDEV-35109")]
    [InlineData("10.11.7-MariaDB", Verdict.Fail, "MDEV-33475")]
    [InlineData("10.11.6", Verdict.Fail, "MDEV-32960")]
    [InlineData("10.6.21", Verdict.Pass, "none of the")]
    [InlineData("10.6.17", Verdict.Fail, "MDEV-33475")] // before MDEV-33551 brought MDEV-35109's hang, so only the others
    [InlineData("10.6.20", Verdict.Fail, "https://jira.mariadb.org/browse/MDEV-35109")]
    [InlineData("11.4.7", Verdict.Pass, "none of the")]
    [InlineData("garbage", Verdict.Warn, "cannot read the server version")]
    public void Versions_are_checked_against_the_known_bad_list_per_series(string version, Verdict verdict, string text)
    {
        var check = KnownBadVersions.Check("m1", version);
        Assert.Equal(verdict, check.Verdict);
        Assert.Contains(text, check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_known_bad_entry_links_its_bug_and_names_a_fixed_release_per_series()
    {
        foreach (var e in KnownBadVersions.All)
        {
            Assert.Matches("^MDEV-[0-9]+$", e.Bug);
            Assert.NotEmpty(e.FixedIn);
            Assert.All(e.FixedIn, kv => Assert.StartsWith(kv.Key + ".", kv.Value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Clock_skew_is_measured_against_the_median_less_the_round_trip()
    {
        var checks = ClockSkew([
            new("m1", TimeSpan.FromMilliseconds(7000), TimeSpan.FromMilliseconds(5)),
            new("m2", TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)),
            new("m3", TimeSpan.FromMilliseconds(-800), TimeSpan.FromMilliseconds(5)),
            new("m4", TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(400)),
        ]);
        Assert.Equal([Verdict.Fail, Verdict.Pass, Verdict.Warn, Verdict.Pass], checks.Select(c => c.Verdict));
        Assert.Contains("+6700 ms from the cluster's median", checks[0].Detail, StringComparison.Ordinal);
        Assert.Empty(ClockSkew([new("m1", TimeSpan.FromHours(1), TimeSpan.Zero)]));
    }

    [Fact]
    public void Links_fail_under_the_floor_and_warn_on_asymmetry_and_latency()
    {
        var checks = Links([
            new("m1", "m2", 0.2, 900),
            new("m2", "m1", 0.2, 8),
            new("m1", "m3", 0.3, 900),
            new("m3", "m1", 0.3, 300),
            new("m2", "m3", 12, 900),
            new("m3", "m2", 12, 900),
            new("m3", "m4", 0, 0, "connection refused"),
        ], floorMbit: 50, maxRoundTripMs: 10);
        var byName = checks.ToDictionary(c => c.Check, c => c.Verdict);
        Assert.Equal(Verdict.Pass, byName["link m1→m2"]);
        Assert.Equal(Verdict.Fail, byName["link m2→m1"]);
        Assert.Equal(Verdict.Warn, byName["link m3→m1"]);
        Assert.Equal(Verdict.Warn, byName["link m2→m3"]);
        Assert.Equal(Verdict.Fail, byName["link m3→m4"]);
        Assert.Contains("under the floor of 50 Mbit/s", checks.Single(c => c.Check == "link m2→m1").Detail, StringComparison.Ordinal);
        Assert.Contains("under half of the other direction (900 Mbit/s)", checks.Single(c => c.Check == "link m3→m1").Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10L << 30, 1L << 30, Verdict.Warn, "full in 10 h")]
    [InlineData(100L << 20, 1L << 30, Verdict.Fail, "full in 0.1 h")]
    [InlineData(100L << 30, 1L << 30, Verdict.Pass, "full in 4.2 days")]
    [InlineData(1L << 30, 0L, Verdict.Pass, "not growing")]
    public void Disk_growth_says_when_the_disk_fills(long free, long perHour, Verdict verdict, string text)
    {
        var check = DiskGrowth("m1", free, perHour);
        Assert.Equal(verdict, check.Verdict);
        Assert.Contains(text, check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Etcd_needs_answers_one_leader_room_and_speed()
    {
        EtcdReading Up(string name, ulong id, long db = 1 << 20, double ms = 2) => new($"http://{name}", name, 1, id, db, 2L << 30, ms);
        var healthy = Etcd([Up("e1", 1), Up("e2", 2), Up("e3", 3)]);
        Assert.All(healthy, c => Assert.Equal(Verdict.Pass, c.Verdict));
        Assert.Contains("one leader (e1)", healthy.Single(c => c.Check == "etcd leader").Detail, StringComparison.Ordinal);

        var oneDown = Etcd([Up("e1", 1), Up("e2", 2, ms: 150), new("http://e3", null, null, null, 0, 0, 0, "refused")]);
        Assert.Equal(Verdict.Warn, oneDown.Single(c => c.Check == "etcd members").Verdict);
        Assert.Equal(Verdict.Warn, oneDown.Single(c => c.Check == "etcd latency").Verdict);

        var noQuorum = Etcd([Up("e1", 1), new("http://e2", null, null, null, 0, 0, 0, "refused"), new("http://e3", null, null, null, 0, 0, 0, "refused")]);
        Assert.Equal(Verdict.Fail, noQuorum.Single(c => c.Check == "etcd members").Verdict);

        var full = Etcd([Up("e1", 1, db: 1900L << 20)]);
        Assert.Equal(Verdict.Fail, full.Single(c => c.Check == "etcd db size").Verdict);
    }

    [Fact]
    public void Haproxy_backends_must_hold_every_member()
    {
        var checks = HaproxyBackends("m1", new Dictionary<string, IReadOnlyList<string>>
        {
            ["keel_rw"] = ["m1", "m2", "m3"],
            ["keel_ro"] = ["m1", "m2"],
            ["old"] = ["m1", "m2", "m3", "m9"],
        }, ["m1", "m2", "m3"]);
        Assert.Equal([Verdict.Fail, Verdict.Pass, Verdict.Warn], checks.Select(c => c.Verdict)); // by backend name
        Assert.Contains("backend keel_ro lacks m3", checks[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_timing_rule_passes_the_defaults_and_names_a_bad_ttl()
    {
        Assert.Equal(Verdict.Pass, TimingRule("m1", Keel.Core.Timing.TimingRules.Default).Verdict);
        var bad = TimingRule("m1", Keel.Core.Timing.TimingRules.Default with { Ttl = TimeSpan.FromSeconds(2) });
        Assert.Equal(Verdict.Fail, bad.Verdict);
        Assert.Contains("ttl (2 s) must be at least", bad.Detail, StringComparison.Ordinal);
    }
}
