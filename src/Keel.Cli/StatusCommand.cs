using System.CommandLine;
using Keel.Playground;

namespace Keel.Cli;

internal static class StatusCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var etcd = new Option<string?>("--etcd") { Description = "etcd endpoint of a cluster that is not the playground, e.g. http://10.0.0.5:2379" };
        var cluster = new Option<string?>("--cluster") { Description = "cluster name (with --etcd)" };
        var cmd = new Command("status", "Show every member: role, state, lag, GTID position and semi-sync") { home, format, etcd, cluster };
        cmd.Aliases.Add("list");
        cmd.SetAction(async (parse, ct) =>
        {
            StatusReport report;
            if (parse.GetValue(etcd) is { } url)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    await Console.Error.WriteLineAsync($"keel status: --etcd '{url}' is not a URL such as http://127.0.0.1:2379");
                    return 2;
                }
                report = await StatusReader.ReadAsync(parse.GetValue(cluster) ?? "playground", [uri], Keel.Os.Tls.ClientTls.FromEnvironment(), [], null, null, ct);
            }
            else
            {
                var layout = PlaygroundLayout.Resolve(parse.GetValue(home));
                var spec = new PlaygroundRunner(layout, Console.Out).LoadSpec();
                if (spec is null)
                {
                    await Console.Error.WriteLineAsync($"keel status: no playground in {layout.Home} (run `keel up`, or pass --etcd URL --cluster NAME)");
                    return 2;
                }
                report = await StatusReader.ReadPlaygroundAsync(layout, spec, ct);
            }
            if (parse.GetValue(format) == "json")
            {
                StatusPrinter.PrintJson(report);
            }
            else
            {
                StatusPrinter.PrintTable(report);
            }
            return report.EtcdError is null ? 0 : 1;
        });
        return cmd;
    }
}
