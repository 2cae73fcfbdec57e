using Keel.Core.Model;
using Keel.Core.Timing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Agent.Configuration;

/// <summary>Reads and validates an agent's YAML configuration; all problems are reported at once.</summary>
public static class AgentConfigLoader
{
    public static AgentConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the configuration file: {ex.Message}", ex);
        }
        return Parse(text, path) with { SourcePath = path };
    }

    public static AgentConfig Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ConfigException($"{source}: not valid YAML (line {ex.Start.Line}): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these on some broken input instead of a YamlException (found by the property tests:
            // `port: [` and a value of `:`).
            throw new ConfigException($"{source}: not valid YAML: {ex.Message}", ex);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigException($"{source}: the configuration must be a YAML mapping with at least 'cluster' and 'member'");
        }

        var errors = new List<string>();
        var top = new YamlFields(root, "", errors);
        var cluster = top.String("cluster", required: true) ?? "";
        top.Check("cluster", cluster.Length == 0 || cluster.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), "may hold only letters, digits, '-' and '_'");

        var member = ReadMember(top.Section("member", required: true), errors);
        var tls = ReadTls(top.Section("tls", required: false));
        var kubernetes = ReadKubernetes(top.Section("kubernetes", required: false), member?.Name);
        var api = ReadApi(top.Section("api", required: true), tls);
        var etcd = ReadEtcd(top.Section("etcd", required: true), tls);
        var timing = ReadTiming(top.Section("timing", required: false), top);
        var users = ReadUsers(top.Section("users", required: true));
        var haproxy = ReadHaproxy(top.Section("haproxy", required: false));
        var autoReinit = top.Bool("auto_reinit", true);
        var (cloneMaxRate, keepOldCopies) = ReadClone(top.Section("clone", required: false));
        var backup = ReadBackup(top.Section("backup", required: false));
        var disk = ReadDisk(top.Section("disk", required: false));
        var binlogs = ReadBinlogs(top.Section("binlogs", required: false));
        var mode = top.String("mode", required: false, fallback: "replication")!;
        top.Check("mode", mode is "replication" or "galera", $"must be replication or galera, not '{mode}'");
        var galera = ReadGalera(top.Section("galera", required: mode == "galera"));
        top.Check("galera", galera is null || mode == "galera", "is only read with mode: galera");
        // Said here rather than ignored: a cluster that believes it is backed up must not find out at restore time.
        top.Check("backup", backup is null || mode != "galera", "is not supported with mode: galera yet (backups and the binlog archive run in replication mode only)");
        top.RejectUnknown();

        if (errors.Count > 0)
        {
            throw new ConfigException($"{source}: invalid configuration:\n  - {string.Join("\n  - ", errors)}");
        }
        return new AgentConfig(cluster, member!, api!, etcd!, timing, users!, haproxy) { AutoReinit = autoReinit, CloneMaxBytesPerSecond = cloneMaxRate, KeepOldCopies = keepOldCopies, Backup = backup, Disk = disk, Binlogs = binlogs, Galera = mode == "galera" ? galera : null, Tls = tls, Kubernetes = kubernetes };
    }

    /// <summary>kubernetes.pod, kubernetes.namespace, kubernetes.api (see KubernetesConfig for the defaults).</summary>
    private static KubernetesConfig? ReadKubernetes(YamlFields? f, string? memberName)
    {
        if (f is null)
        {
            return null;
        }
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        var pod = f.String("pod", required: false, fallback: Env("POD_NAME") ?? memberName ?? "")!;
        var ns = f.String("namespace", required: false, fallback: Env("POD_NAMESPACE") ?? "default")!;
        // DNS-1123 names, as Kubernetes requires of pods and namespaces.
        static bool Dns(string s) => s.Length is > 0 and <= 253 && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.') && char.IsAsciiLetterOrDigit(s[0]) && char.IsAsciiLetterOrDigit(s[^1]);
        f.Check("pod", Dns(pod), $"must be a pod name (lower-case letters, digits, '-', '.'), not '{pod}'");
        f.Check("namespace", Dns(ns), $"must be a namespace name (lower-case letters, digits, '-'), not '{ns}'");
        var apiText = f.String("api", required: false);
        Uri? api = null;
        f.Check("api", apiText is null || (Uri.TryCreate(apiText, UriKind.Absolute, out api) && api.Scheme is "http" or "https"), $"must be an http(s) URL of the Kubernetes API, not '{apiText}'");
        f.RejectUnknown();
        return new KubernetesConfig(pod, ns, api);
    }

    /// <summary>tls.ca, tls.cert, tls.key (PEM files that must exist), tls.require (default true), tls.api (default true).</summary>
    private static TlsConfig? ReadTls(YamlFields? f)
    {
        if (f is null)
        {
            return null;
        }
        string File(string key)
        {
            var path = f.String(key, required: true) ?? "";
            f.Check(key, path.Length == 0 || System.IO.File.Exists(path), $"'{path}' does not exist");
            return path;
        }
        var tls = new TlsConfig(File("ca"), File("cert"), File("key"), f.Bool("require", true)) { Api = f.Bool("api", true) };
        f.RejectUnknown();
        return tls;
    }

    /// <summary>galera.port (group communication; IST on port + 1, SST on port + 2), galera.peers (every node's host:port), galera.recovery_wait (default 60s), galera.donor_serves (default false), galera.multi_writer (default false).</summary>
    private static Galera.GaleraConfig? ReadGalera(YamlFields? f)
    {
        if (f is null)
        {
            return null;
        }
        var port = f.Int("port", required: false, 4567, 1, 65533);
        var peers = f.StringList("peers", required: true);
        foreach (var peer in peers)
        {
            f.Check("peers", peer.Contains(':', StringComparison.Ordinal), $"'{peer}' is not host:port, such as 10.0.0.5:4567");
        }
        var wait = f.Duration("recovery_wait", TimeSpan.FromSeconds(60));
        var donor = f.Bool("donor_serves", false);
        var multiWriter = f.Bool("multi_writer", false);
        f.RejectUnknown();
        return new Galera.GaleraConfig(port, peers, wait, donor, multiWriter);
    }

    /// <summary>disk.warn and disk.critical (a share such as 10% or a size such as 2GB), disk.handover (default true).</summary>
    private static Keel.Core.Disk.DiskPolicy ReadDisk(YamlFields? f)
    {
        var d = Keel.Core.Disk.DiskPolicy.Default;
        if (f is null)
        {
            return d;
        }
        Keel.Core.Disk.DiskThreshold Threshold(string key, Keel.Core.Disk.DiskThreshold fallback)
        {
            if (f.String(key, required: false) is not { } text)
            {
                return fallback;
            }
            var (t, error) = Keel.Core.Disk.DiskThreshold.Parse(text);
            f.Check(key, t is not null, error ?? "");
            return t ?? fallback;
        }
        var policy = new Keel.Core.Disk.DiskPolicy(Threshold("warn", d.Warn), Threshold("critical", d.Critical), f.Bool("handover", d.HandOver));
        f.RejectUnknown();
        return policy;
    }

    /// <summary>binlogs.max_size (a size such as 10GB; absent: no size cap), binlogs.max_age (default 7d; 0: no age cap), binlogs.check_interval (default 30s).</summary>
    private static BinlogsConfig ReadBinlogs(YamlFields? f)
    {
        var d = BinlogsConfig.Default;
        if (f is null)
        {
            return d;
        }
        long? maxBytes = null;
        if (f.String("max_size", required: false) is { } size)
        {
            maxBytes = Keel.Core.Disk.ByteText.Parse(size);
            f.Check("max_size", maxBytes is > 0, $"must be a size such as 10GB or 500MB, not '{size}'");
        }
        var age = f.Duration("max_age", d.Retention.MaxAge ?? TimeSpan.Zero);
        var interval = f.Duration("check_interval", d.CheckInterval);
        f.Check("check_interval", interval >= TimeSpan.FromSeconds(1), "must be at least 1s");
        f.RejectUnknown();
        return new BinlogsConfig(new Keel.Core.Binlogs.BinlogRetentionPolicy(maxBytes is > 0 ? maxBytes : null, age > TimeSpan.Zero ? age : null), interval);
    }

    private static MemberConfig? ReadMember(YamlFields? f, List<string> errors)
    {
        if (f is null)
        {
            return null;
        }
        var name = f.String("name", required: true) ?? "";
        f.Check("name", name.Length == 0 || name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), "may hold only letters, digits, '-' and '_'");
        var host = f.String("host", required: true) ?? "";
        var port = f.Int("port", required: true, 0, 1, 65535);
        var serverId = f.Int("server_id", required: true, 0, 1, int.MaxValue);
        var dataDir = f.String("data_dir", required: true) ?? "";
        var runDir = f.String("run_dir", required: true) ?? "";
        f.Check("data_dir", dataDir.Length == 0 || Path.IsPathRooted(dataDir), "must be an absolute path");
        f.Check("run_dir", runDir.Length == 0 || Path.IsPathRooted(runDir), "must be an absolute path");
        f.Check("run_dir", runDir.Length < 90, "is too long: the server's unix socket path inside it must stay under 108 bytes");
        var bind = f.String("bind_address", required: false, fallback: host)!;
        var tags = MemberTags.Default;
        if (f.Section("tags", required: false) is { } t)
        {
            tags = new MemberTags(t.Bool("nofailover", false), t.Int("priority", false, 100, 0, 1_000_000));
            t.RejectUnknown();
        }
        var settings = f.StringMap("mariadb_settings");
        f.RejectUnknown();
        _ = errors;
        return new MemberConfig(name, host, port, serverId, dataDir, runDir, bind, tags, settings);
    }

    private static ApiConfig? ReadApi(YamlFields? f, TlsConfig? tls)
    {
        if (f is null)
        {
            return null;
        }
        var listen = f.String("listen", required: true) ?? "";
        var ok = Uri.TryCreate($"http://{listen}", UriKind.Absolute, out var listenUri) && listenUri.Port > 0 && listen.Contains(':', StringComparison.Ordinal);
        f.Check("listen", listen.Length == 0 || ok, $"must be host:port, such as 127.0.0.1:8008, not '{listen}'");
        var scheme = tls is { Api: true } ? "https" : "http";
        var url = f.String("url", required: false, fallback: $"{scheme}://{listen}")!;
        var urlOk = Uri.TryCreate(url, UriKind.Absolute, out var parsed);
        f.Check("url", urlOk, $"must be an absolute http URL, not '{url}'");
        // Peers and HAProxy reach the API at this URL: it must speak what the listener speaks.
        f.Check("url", !urlOk || parsed!.Scheme == scheme, tls is { Api: true }
            ? $"must be an https:// URL, since tls.api serves the API over TLS, not '{url}'"
            : $"must be an http:// URL (the API serves HTTPS only with a tls section), not '{url}'");
        var token = f.String("token", required: false);
        f.RejectUnknown();
        return new ApiConfig(listen, url.TrimEnd('/'), token);
    }

    private static EtcdConfig? ReadEtcd(YamlFields? f, TlsConfig? tls)
    {
        if (f is null)
        {
            return null;
        }
        var endpoints = new List<Uri>();
        foreach (var e in f.StringList("endpoints", required: true))
        {
            if (Uri.TryCreate(e, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                endpoints.Add(uri);
            }
            else
            {
                f.Check("endpoints", false, $"'{e}' is not an http(s) URL such as http://127.0.0.1:2379");
            }
        }
        // etcd over TLS verifies etcd's certificate with tls.ca and shows tls.cert as the client certificate.
        f.Check("endpoints", tls is not null || endpoints.All(e => e.Scheme == "http"), "https:// endpoints need the tls section (its CA verifies etcd, its certificate and key are the client certificate)");
        f.Check("endpoints", endpoints.Select(e => e.Scheme).Distinct().Count() <= 1, "must all be http:// or all https://");
        f.RejectUnknown();
        return new EtcdConfig(endpoints);
    }

    private static TimingRules ReadTiming(YamlFields? f, YamlFields top)
    {
        var d = TimingRules.Default;
        if (f is null)
        {
            return d;
        }
        var rules = new TimingRules(f.Duration("ttl", d.Ttl), f.Duration("loop_interval", d.LoopInterval), f.Duration("request_timeout", d.RequestTimeout),
            f.Duration("no_replica_timeout", d.NoReplicaTimeout));
        f.RejectUnknown();
        var problem = rules.Validate();
        f.Check("ttl", problem is null, problem ?? "");
        _ = top;
        return rules;
    }

    private static UsersConfig? ReadUsers(YamlFields? f)
    {
        if (f is null)
        {
            return null;
        }
        var replication = ReadCredentials(f.Section("replication", required: true));
        var admin = ReadCredentials(f.Section("admin", required: true));
        ApplicationUser? app = null;
        if (f.Section("application", required: false) is { } a)
        {
            app = new ApplicationUser(a.String("user", true) ?? "", a.String("password", true) ?? "", a.String("database", true) ?? "");
            a.RejectUnknown();
        }
        f.RejectUnknown();
        return new UsersConfig(replication ?? new("", ""), admin ?? new("", ""), app);
    }

    private static Credentials? ReadCredentials(YamlFields? f)
    {
        if (f is null)
        {
            return null;
        }
        var c = new Credentials(f.String("user", required: true) ?? "", f.String("password", required: true) ?? "");
        f.RejectUnknown();
        return c;
    }

    /// <summary>
    /// clone.max_rate_mb: the most MB per second a donor sends (0 or absent: no limit beyond the primary's).
    /// clone.keep_old_copies: the newest N datadirs moved aside are kept after each clone (absent: all are kept).
    /// </summary>
    private static (long? MaxRate, int? KeepOldCopies) ReadClone(YamlFields? f)
    {
        if (f is null)
        {
            return (null, null);
        }
        var mb = f.Int("max_rate_mb", required: false, 0, 0, 100_000);
        var keep = f.Int("keep_old_copies", required: false, -1, 0, 1000);
        f.RejectUnknown();
        return (mb > 0 ? mb * 1_000_000L : null, keep >= 0 ? keep : null);
    }

    /// <summary>
    /// backup.repository (absolute path), backup.schedule (a duration such as 6h, or a cron expression such as
    /// "0 3 * * *"), backup.retention.count / .max_age_days, backup.verify (restore and check each backup taken), backup.archive_binlogs
    /// (default true: one agent streams the primary's binlogs into the repository, for point-in-time restore).
    /// </summary>
    private static BackupConfig? ReadBackup(YamlFields? f)
    {
        if (f is null)
        {
            return null;
        }
        var repository = f.String("repository", required: true) ?? "";
        f.Check("repository", repository.Length == 0 || Path.IsPathRooted(repository), "must be an absolute path");
        var scheduleText = f.String("schedule", required: false);
        Keel.Core.Backup.IBackupSchedule? schedule = null;
        if (scheduleText is not null)
        {
            if (DurationText.TryParse(scheduleText, out var every))
            {
                f.Check("schedule", every >= TimeSpan.FromSeconds(5), "must be at least 5s apart");
                schedule = new Keel.Core.Backup.IntervalSchedule(every);
            }
            else if (Backup.CronSchedule.TryParse(scheduleText, out var cron, out var why))
            {
                schedule = cron;
            }
            else
            {
                f.Check("schedule", false, $"must be a duration such as 6h or a cron expression such as '0 3 * * *' ({why})");
            }
        }
        var retention = Keel.Core.Backup.RetentionPolicy.KeepAll;
        if (f.Section("retention", required: false) is { } r)
        {
            var count = r.Int("count", required: false, 0, 1, 10_000);
            var days = r.Int("max_age_days", required: false, 0, 1, 100_000);
            r.RejectUnknown();
            retention = new(count > 0 ? count : null, days > 0 ? TimeSpan.FromDays(days) : null);
        }
        var verify = f.Bool("verify", false);
        var archive = f.Bool("archive_binlogs", true);
        f.RejectUnknown();
        return new BackupConfig(repository, schedule, retention, verify) { ArchiveBinlogs = archive };
    }

    private static HaproxyConfig? ReadHaproxy(YamlFields? f)
    {
        if (f is null)
        {
            return null;
        }
        var h = new HaproxyConfig(
            f.String("admin_socket", required: true) ?? "",
            f.String("rw_backend", required: false, fallback: "keel_rw")!,
            f.String("ro_backend", required: false, fallback: "keel_ro")!);
        f.RejectUnknown();
        return h;
    }
}
