using System.CommandLine;
using Keel.Bench;
using Keel.Bench.Faults;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>
/// Which cluster `keel bench` measures: the playground in --home, or any Keel cluster named by --etcd and --cluster,
/// reached through --rw with the given accounts and hurt with the operator's --fault commands.
/// </summary>
internal sealed class BenchTargetOptions
{
    public Option<string?> Home { get; } = CommonOptions.Home();
    public Option<string?> Etcd { get; } = new("--etcd") { Description = "etcd endpoint(s) of a cluster that is not the playground, comma-separated, e.g. http://10.0.0.5:2379" };
    public Option<string?> Cluster { get; } = new("--cluster") { Description = "cluster name (with --etcd)" };
    public Option<string?> ReadWrite { get; } = new("--rw") { Description = "the read-write endpoint HOST:PORT (with --etcd)" };
    public Option<string?> User { get; } = new("--user") { Description = "application user (with --etcd); it needs CREATE, INSERT, SELECT and DROP on --database" };
    public Option<string?> PasswordFile { get; } = new("--password-file") { Description = "a file only you can read holding the application user's password (with --etcd; default: $KEEL_BENCH_PASSWORD)" };
    public Option<string> Database { get; } = new("--database") { Description = "database for the benchmark's tables (with --etcd)", DefaultValueFactory = _ => "keel_bench" };
    public Option<string?> AdminUser { get; } = new("--admin-user") { Description = "user for read_only and GTID checks on every member (with --etcd; default: --user)" };
    public Option<string?> TlsCa { get; } = new("--tls-ca") { Description = "the CA (PEM) that signed the members' certificates: connect over TLS and verify them (with --etcd)" };

    public Option<string?> SysbenchTls { get; } = new("--sysbench-tls-dir") { Description = "a directory with cacert.pem, client-cert.pem and client-key.pem: sysbench connects over TLS (with --etcd)" };

    /// <summary>Refused with a sentence saying what to use instead (earlier versions took the password here).</summary>
    public Option<string?> PasswordOnCommandLine { get; } = new("--password") { Hidden = true };

    /// <summary>Refused, as <see cref="PasswordOnCommandLine"/>.</summary>
    public Option<string?> AdminPasswordOnCommandLine { get; } = new("--admin-password") { Hidden = true };

    public Option<string?> AdminPasswordFile { get; } = new("--admin-password-file") { Description = "a file only you can read holding --admin-user's password (default: $KEEL_BENCH_ADMIN_PASSWORD)" };
    public Option<string[]> Fault { get; } = new("--fault")
    {
        Description = "NAME=COMMAND, repeatable: how to hurt a member of a cluster that is not the playground. Names: "
            + string.Join(", ", FaultActionNames.All) + ". Placeholders: " + string.Join(" ", CommandFaults.Placeholders)
            + ", e.g. kill-server='ssh {host} sudo kill -9 {server_pid}'",
        AllowMultipleArgumentsPerToken = false,
    };

    public IEnumerable<Option> All => [Home, Etcd, Cluster, ReadWrite, User, PasswordFile, Database, AdminUser, AdminPasswordFile, Fault, PasswordOnCommandLine, AdminPasswordOnCommandLine, TlsCa, SysbenchTls];

    /// <summary>The cluster, or an error that names the bad option and why.</summary>
    public async Task<(BenchCluster? Cluster, string? Error)> ResolveAsync(ParseResult parse, CancellationToken ct)
    {
        if (parse.GetValue(Etcd) is not { } etcdText)
        {
            var remoteOnly = new Option[] { Cluster, ReadWrite, User, PasswordFile, AdminUser, AdminPasswordFile, TlsCa, SysbenchTls }
                .Where(o => parse.GetResult(o) is not null).Select(o => o.Name)
                .Concat((parse.GetValue(Fault) ?? []).Length > 0 ? ["--fault"] : [])
                .ToList();
            if (remoteOnly.Count > 0)
            {
                return (null, $"{string.Join(", ", remoteOnly)} need --etcd (without it the benchmark runs against the playground)");
            }
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(Home)), TextWriter.Null);
            return runner.LoadSpec() is { } spec
                ? (new PlaygroundBenchCluster(runner, spec), null)
                : (null, $"no playground in {runner.Layout.Home} (run `keel up` first, or pass --etcd for another cluster)");
        }

        var endpoints = new List<Uri>();
        foreach (var text in etcdText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return (null, $"--etcd '{text}' is not a URL such as http://10.0.0.5:2379");
            }
            endpoints.Add(uri);
        }
        if (endpoints.Count == 0)
        {
            return (null, "--etcd is empty");
        }
        if (parse.GetValue(Cluster) is not { Length: > 0 } cluster)
        {
            return (null, "--cluster is required with --etcd (the cluster name in the agents' config)");
        }
        if (parse.GetValue(ReadWrite) is not { } rwText)
        {
            return (null, "--rw is required with --etcd (the read-write endpoint clients use, HOST:PORT)");
        }
        if (BenchEndpoint.Parse(rwText) is not { } rw)
        {
            return (null, $"--rw '{rwText}' is not HOST:PORT");
        }
        var (templates, error) = CommandFaults.Parse(parse.GetValue(Fault) ?? []);
        if (error is not null)
        {
            return (null, error);
        }
        if (parse.GetResult(PasswordOnCommandLine) is not null || parse.GetResult(AdminPasswordOnCommandLine) is not null)
        {
            return (null, parse.GetResult(PasswordOnCommandLine) is not null
                ? SecretInput.OnCommandLine("--password", "--password-file", "KEEL_BENCH_PASSWORD")
                : SecretInput.OnCommandLine("--admin-password", "--admin-password-file", "KEEL_BENCH_ADMIN_PASSWORD"));
        }
        var (password, passwordError) = SecretInput.Read(parse.GetValue(PasswordFile), "--password-file", "KEEL_BENCH_PASSWORD");
        var (adminPassword, adminError) = SecretInput.Read(parse.GetValue(AdminPasswordFile), "--admin-password-file", "KEEL_BENCH_ADMIN_PASSWORD");
        if ((passwordError ?? adminError) is { } secretError)
        {
            return (null, secretError);
        }
        if (parse.GetValue(User) is not { Length: > 0 } user || password is null)
        {
            return (null, "--user and a password (--password-file FILE or $KEEL_BENCH_PASSWORD) are required with --etcd (the account the benchmark writes with)");
        }
        var app = new BenchAccount(user, password, parse.GetValue(Database)!);
        var admin = new AdminAccount(parse.GetValue(AdminUser) ?? user, adminPassword ?? (parse.GetValue(AdminUser) is null ? password : ""));
        try
        {
            return (await RemoteBenchCluster.ConnectAsync(endpoints, cluster, app, admin, rw, new CommandFaults(templates), ct,
                parse.GetValue(TlsCa), parse.GetValue(SysbenchTls)), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Keel.Etcd.EtcdException)
        {
            return (null, ex.Message);
        }
    }
}
