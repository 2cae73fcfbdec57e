using System.CommandLine;
using Keel.Agent.Store;
using Keel.Etcd;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>Which cluster a command talks to: the playground in --home, or --etcd URL with --cluster NAME.</summary>
internal sealed class ClusterTarget : IDisposable
{
    private ClusterTarget(EtcdClient etcd, IReadOnlyList<Uri> endpoints, string cluster, Keel.Os.Tls.ClientTls? tls, PlaygroundSpec? playground = null)
    {
        Tls = tls;
        Etcd = etcd;
        Endpoints = endpoints;
        Store = new ClusterStore(etcd, new KeyLayout(cluster));
        Playground = playground;
    }

    public EtcdClient Etcd { get; }

    /// <summary>How the agents' APIs and etcd are verified (the playground's CA, or KEEL_TLS_CA for --etcd); null: plain HTTP.</summary>
    public Keel.Os.Tls.ClientTls? Tls { get; }

    /// <summary>An HttpClient for the agents' APIs.</summary>
    public HttpClient ApiClient(TimeSpan timeout) => Keel.Os.Tls.ClientTls.For(Tls, timeout);

    /// <summary>The etcd endpoints the client uses (the doctor asks each one on its own).</summary>
    public IReadOnlyList<Uri> Endpoints { get; }
    public ClusterStore Store { get; }

    /// <summary>The playground's description when the target is one (its API token, say); null with --etcd.</summary>
    public PlaygroundSpec? Playground { get; }

    public static (Option<string?> Home, Option<string?> Etcd, Option<string?> Cluster) Options() =>
        (CommonOptions.Home(),
         new Option<string?>("--etcd") { Description = "etcd endpoint of a cluster that is not the playground, e.g. http://10.0.0.5:2379" },
         new Option<string?>("--cluster") { Description = "cluster name (with --etcd)" });

    /// <summary>The target, or null after printing why there is none.</summary>
    public static ClusterTarget? Resolve(ParseResult parse, (Option<string?> Home, Option<string?> Etcd, Option<string?> Cluster) o, string command)
    {
        if (parse.GetValue(o.Etcd) is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                Console.Error.WriteLine($"keel {command}: --etcd '{url}' is not a URL such as http://127.0.0.1:2379");
                return null;
            }
            var tls = Keel.Os.Tls.ClientTls.FromEnvironment();
            return new ClusterTarget(new EtcdClient(new EtcdClientOptions { Endpoints = [uri], Tls = tls }), [uri], parse.GetValue(o.Cluster) ?? "playground", tls);
        }
        var layout = PlaygroundLayout.Resolve(parse.GetValue(o.Home));
        var spec = new PlaygroundRunner(layout, TextWriter.Null).LoadSpec();
        if (spec is null)
        {
            Console.Error.WriteLine($"keel {command}: no playground in {layout.Home} (run `keel up`, or pass --etcd URL --cluster NAME)");
            return null;
        }
        return ForPlayground(spec);
    }

    /// <summary>The playground's cluster, reached through all of its etcd members.</summary>
    public static ClusterTarget ForPlayground(PlaygroundSpec spec) =>
        new(new EtcdClient(spec.EtcdOptions()), spec.EtcdUrls, spec.Cluster, spec.ClientTls, spec);

    /// <summary>--token-file: a file (0600) holding the agents' api.token, for the endpoints that act or measure.</summary>
    public static Option<string?> TokenOption() =>
        new("--token-file") { Description = "a file only you can read holding the agents' api.token (default: $KEEL_API_TOKEN, else the playground's)" };

    /// <summary>The token in the file given, else $KEEL_API_TOKEN, else the playground's; null when none is known; or why the file cannot serve.</summary>
    public (string? Token, string? Error) ApiToken(string? tokenFile)
    {
        var (token, error) = SecretInput.Read(tokenFile, "--token-file", "KEEL_API_TOKEN");
        return (token ?? (error is null ? Playground?.ApiToken : null), error);
    }

    public void Dispose() => Etcd.Dispose();
}
