using Keel.Agent.Configuration;

namespace Keel.Agent.Tests;

public class AgentConfigLoaderTests
{
    internal const string Valid = """
        cluster: prod-1
        member:
          name: db1
          host: 10.0.0.1
          port: 3306
          server_id: 11
          data_dir: /var/lib/keel/data
          run_dir: /run/keel
          tags:
            nofailover: true
            priority: 50
          mariadb_settings:
            innodb_buffer_pool_size: 1G
        api:
          listen: 0.0.0.0:8008
          url: http://10.0.0.1:8008
          token: s3cret
        etcd:
          endpoints: [http://10.0.0.9:2379, http://10.0.0.10:2379]
        timing:
          ttl: 15s
          loop_interval: 500ms
          request_timeout: 2s
        users:
          replication: { user: repl, password: r }
          admin: { user: adm, password: a }
          application: { user: app, password: p, database: appdb }
        haproxy:
          admin_socket: /run/haproxy/admin.sock
        """;

    [Fact]
    public void A_complete_configuration_is_read_field_by_field()
    {
        var c = AgentConfigLoader.Parse(Valid, "agent.yaml");
        Assert.Equal("prod-1", c.Cluster);
        Assert.Equal(("db1", "10.0.0.1", 3306, 11), (c.Member.Name, c.Member.Host, c.Member.Port, c.Member.ServerId));
        Assert.True(c.Member.Tags.NoFailover);
        Assert.Equal(50, c.Member.Tags.Priority);
        Assert.Equal("1G", c.Member.MariadbSettings["innodb_buffer_pool_size"]);
        Assert.Equal("http://10.0.0.1:8008", c.Api.Url);
        Assert.Equal(2, c.Etcd.Endpoints.Count);
        Assert.Equal(TimeSpan.FromSeconds(15), c.Timing.Ttl);
        Assert.Equal(TimeSpan.FromMilliseconds(500), c.Timing.LoopInterval);
        Assert.Equal("appdb", c.Users.Application!.Database);
        Assert.Equal("keel_rw", c.Haproxy!.ReadWriteBackend);
        Assert.Equal("10.0.0.1", c.Member.BindAddress);
    }

    [Theory]
    [InlineData("  port: 3306", "  port: 99999", "field 'member.port' (line 5): must be a whole number from 1 to 65535, not '99999'")]
    [InlineData("  port: 3306", "  port: abc", "field 'member.port' (line 5): must be a whole number from 1 to 65535, not 'abc'")]
    [InlineData("  name: db1\n", "", "field 'member.name' (line 3): is required")]
    [InlineData("  host: 10.0.0.1", "  host: 10.0.0.1\n  hots: typo", "field 'member.hots' (line 5): is not a known setting")]
    [InlineData("cluster: prod-1", "cluster: prod-1\nretries: 3", "field 'retries' (line 2): is not a known setting")]
    [InlineData("  ttl: 15s", "  ttl: 2s", "field 'timing.ttl'")]
    [InlineData("  ttl: 15s", "  ttl: fifteen", "must be a duration like 500ms, 2s or 1m, not 'fifteen'")]
    [InlineData("  data_dir: /var/lib/keel/data", "  data_dir: relative/data", "field 'member.data_dir' (line 7): must be an absolute path")]
    [InlineData("  endpoints: [http://10.0.0.9:2379, http://10.0.0.10:2379]", "  endpoints: [10.0.0.9:2379]", "'10.0.0.9:2379' is not an http(s) URL")]
    [InlineData("    nofailover: true", "    nofailover: maybe", "field 'member.tags.nofailover' (line 10): must be true or false, not 'maybe'")]
    [InlineData("  listen: 0.0.0.0:8008", "  listen: 8008", "field 'api.listen' (line 15): must be host:port")]
    [InlineData("cluster: prod-1", "cluster: prod/1", "field 'cluster' (line 1): may hold only letters, digits")]
    public void A_bad_field_is_named_with_its_line_and_the_reason(string from, string to, string expected)
    {
        var yaml = Valid.Replace(from, to, StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse(yaml, "agent.yaml"));
        Assert.StartsWith("agent.yaml: invalid configuration:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clone_section_holds_the_rate_limit_and_how_many_old_datadirs_to_keep()
    {
        var c = AgentConfigLoader.Parse(Valid + "\nclone:\n  max_rate_mb: 40\n  keep_old_copies: 2\n", "agent.yaml");
        Assert.Equal((40_000_000L, 2), (c.CloneMaxBytesPerSecond, c.KeepOldCopies));
        var defaults = AgentConfigLoader.Parse(Valid, "agent.yaml");
        Assert.Equal(((long?)null, (int?)null), (defaults.CloneMaxBytesPerSecond, defaults.KeepOldCopies));
        var ex = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse(Valid + "\nclone:\n  keep_old_copies: -3\n", "agent.yaml"));
        Assert.Contains("field 'clone.keep_old_copies'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_disk_and_binlogs_sections_take_shares_sizes_and_durations_and_name_a_bad_field()
    {
        var c = AgentConfigLoader.Parse(Valid + "\ndisk:\n  warn: 20%\n  critical: 2GB\n  handover: false\nbinlogs:\n  max_size: 10GB\n  max_age: 3d\n  check_interval: 10s\n", "agent.yaml");
        Assert.Equal(new Keel.Core.Disk.DiskPolicy(Keel.Core.Disk.DiskThreshold.OfPercent(20), Keel.Core.Disk.DiskThreshold.OfBytes(2L << 30), HandOver: false), c.Disk);
        Assert.Equal(new Keel.Core.Binlogs.BinlogRetentionPolicy(10L << 30, TimeSpan.FromDays(3)), c.Binlogs.Retention);
        Assert.Equal(TimeSpan.FromSeconds(10), c.Binlogs.CheckInterval);
        var defaults = AgentConfigLoader.Parse(Valid, "agent.yaml");
        Assert.Equal((Keel.Core.Disk.DiskPolicy.Default, BinlogsConfig.Default), (defaults.Disk, defaults.Binlogs));

        var bad = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse(Valid + "\ndisk:\n  warn: lots\nbinlogs:\n  max_size: huge\n", "agent.yaml"));
        Assert.Contains("field 'disk.warn'", bad.Message, StringComparison.Ordinal);
        Assert.Contains("field 'binlogs.max_size'", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_backup_section_takes_an_interval_or_a_cron_expression_and_names_a_bad_field()
    {
        var c = AgentConfigLoader.Parse(Valid + "\nbackup:\n  repository: /backups\n  schedule: 6h\n  retention:\n    count: 7\n    max_age_days: 30\n  verify: true\n", "agent.yaml");
        Assert.Equal("/backups", c.Backup!.Repository);
        Assert.Equal(new Keel.Core.Backup.IntervalSchedule(TimeSpan.FromHours(6)), c.Backup.Schedule);
        Assert.Equal(new Keel.Core.Backup.RetentionPolicy(7, TimeSpan.FromDays(30)), c.Backup.Retention);
        Assert.True(c.Backup.Verify);
        var cron = AgentConfigLoader.Parse(Valid + "\nbackup:\n  repository: /backups\n  schedule: \"0 3 * * *\"\n", "agent.yaml");
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero), cron.Backup!.Schedule!.SlotAt(new DateTimeOffset(2026, 12, 7, 13, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero), cron.Backup.Schedule.SlotAt(new DateTimeOffset(2026, 12, 7, 2, 59, 0, TimeSpan.Zero)));
        Assert.Null(AgentConfigLoader.Parse(Valid, "agent.yaml").Backup);

        var bad = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse(Valid + "\nbackup:\n  repository: backups\n  schedule: sometimes\n", "agent.yaml"));
        Assert.Contains("field 'backup.repository'", bad.Message, StringComparison.Ordinal);
        Assert.Contains("field 'backup.schedule'", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var yaml = Valid.Replace("  port: 3306", "  port: 0", StringComparison.Ordinal).Replace("  server_id: 11", "  server_id: -1", StringComparison.Ordinal);
        var ex = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse(yaml, "agent.yaml"));
        Assert.Contains("member.port", ex.Message, StringComparison.Ordinal);
        Assert.Contains("member.server_id", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_yaml_and_missing_files_name_the_file()
    {
        var ex = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse("cluster: [unclosed", "x.yaml"));
        Assert.StartsWith("x.yaml: not valid YAML", ex.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ConfigException>(() => AgentConfigLoader.LoadFile("/nonexistent/keel.yaml"));
        Assert.Contains("/nonexistent/keel.yaml: cannot read the configuration file", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m", 60000)]
    [InlineData("6h", 21600000)]
    [InlineData("1d", 86400000)]
    public void Durations_are_read_as_operators_write_them(string text, int ms)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), value);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("-1s")]
    [InlineData("s")]
    [InlineData("2w")]
    public void Durations_without_a_known_unit_are_refused(string text) => Assert.False(DurationText.TryParse(text, out _));

    private const string GaleraSection = "\nmode: galera\ngalera:\n  port: 4567\n  peers: [10.0.0.1:4567, 10.0.0.2:4567, 10.0.0.3:4567]\n";

    [Fact]
    public void Galera_mode_reads_its_section_and_refuses_a_backup_section_it_would_not_run()
    {
        var c = AgentConfigLoader.Parse(Valid + GaleraSection + "  multi_writer: true\n", "agent.yaml");
        Assert.Equal(4567, c.Galera!.Port);
        Assert.True(c.Galera.MultiWriter);
        Assert.False(AgentConfigLoader.Parse(Valid + GaleraSection, "agent.yaml").Galera!.MultiWriter);
        var ex = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse(Valid + GaleraSection + "backup:\n  repository: /backups\n", "agent.yaml"));
        Assert.Contains("field 'backup'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not supported with mode: galera", ex.Message, StringComparison.Ordinal);
    }

}
