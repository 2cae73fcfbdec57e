using Keel.Core.Doctor;

namespace Keel.Core.Tests;

public class ServerSettingsRulesTests
{
    private static Dictionary<string, string> KeelDefaults() => new()
    {
        ["log_bin"] = "ON",
        ["binlog_format"] = "ROW",
        ["log_slave_updates"] = "ON",
        ["gtid_strict_mode"] = "ON",
        ["sync_binlog"] = "1",
        ["innodb_flush_log_at_trx_commit"] = "1",
        ["rpl_semi_sync_master_wait_point"] = "AFTER_SYNC",
        ["rpl_semi_sync_master_timeout"] = "4294967295",
    };

    [Fact]
    public void Keels_own_settings_pass_every_check()
    {
        var checks = ServerSettingsRules.Check("m1", KeelDefaults());
        Assert.Equal(8, checks.Count);
        Assert.All(checks, c => Assert.Equal(Verdict.Pass, c.Verdict));
    }

    [Theory]
    [InlineData("binlog_format", "STATEMENT", Verdict.Fail, "binlog_format is STATEMENT, not ROW: statement-based events")]
    [InlineData("log_bin", "OFF", Verdict.Fail, "log_bin is OFF, not ON")]
    [InlineData("sync_binlog", "0", Verdict.Fail, "an acknowledged transaction could be missing from the binlog after a crash")]
    [InlineData("rpl_semi_sync_master_wait_point", "AFTER_COMMIT", Verdict.Fail, "other sessions can read data no replica has yet")]
    [InlineData("rpl_semi_sync_master_timeout", "10000", Verdict.Fail, "is 10000 ms: a replica stalled that long")]
    [InlineData("rpl_semi_sync_master_timeout", "172800000", Verdict.Warn, "is 172800000 ms: after that long")]
    [InlineData("gtid_strict_mode", null, Verdict.Fail, "the server does not report gtid_strict_mode")]
    public void A_setting_Keel_relies_on_that_is_off_is_named_with_what_it_breaks(string variable, string? value, Verdict verdict, string detail)
    {
        var variables = KeelDefaults();
        if (value is null)
        {
            variables.Remove(variable);
        }
        else
        {
            variables[variable] = value;
        }
        var check = Assert.Single(ServerSettingsRules.Check("m2", variables), c => c.Verdict != Verdict.Pass);
        Assert.Equal(("m2", variable, verdict), (check.Member, check.Check, check.Verdict));
        Assert.Contains(detail, check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_server_id_fails_on_both_members_and_names_the_other()
    {
        var checks = ServerSettingsRules.UniqueServerIds(new Dictionary<string, long> { ["m1"] = 1, ["m2"] = 2, ["m3"] = 1 });
        Assert.Equal([Verdict.Fail, Verdict.Pass, Verdict.Fail], checks.Select(c => c.Verdict));
        Assert.Equal("server_id 1 is also m3's: a replica ignores events that carry its own server_id, so transactions would be skipped", checks[0].Detail);
    }
}
