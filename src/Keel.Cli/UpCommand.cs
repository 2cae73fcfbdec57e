using System.CommandLine;
using Keel.Playground;

namespace Keel.Cli;

internal static class UpCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var portBase = new Option<int?>("--port-base") { Description = "First of the playground's ports on a first run (default 3400: read-write 3401, read-only 3402, members 3411-3413, APIs 3421-3423, etcd 3431-3432)" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for a healthy cluster", DefaultValueFactory = _ => 180 };
        var isolated = new Option<bool>("--isolated-hosts") { Description = "Run each member (agent and server) in its own network namespace, so that `keel chaos nic-down MEMBER` can cut it off (root only)" };
        var galera = new Option<bool>("--galera") { Description = "MariaDB Galera nodes (galera-4, SST by mariabackup) instead of replication members" };
        var cmd = new Command("up", "Start a local three-member cluster (etcd, MariaDB under Keel agents, HAProxy); harmless when already up") { home, portBase, timeout, isolated, galera };
        cmd.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), Console.Out);
            try
            {
                var wanted = runner.LoadOrCreateSpec(() => PlaygroundSpec.Default(parse.GetValue(portBase) ?? 3400) with { IsolatedHosts = parse.GetValue(isolated), Galera = parse.GetValue(galera) });
                if (parse.GetValue(isolated) && !wanted.IsolatedHosts)
                {
                    throw new PlaygroundException($"the playground in {runner.Layout.Home} was created on plain loopback; `keel down --purge` first, or use another --home");
                }
                var spec = await runner.UpAsync(wanted, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
                Console.WriteLine();
                var status = await StatusReader.ReadPlaygroundAsync(runner.Layout, spec, ct);
                StatusPrinter.PrintTable(status);
                Console.WriteLine();
                Console.WriteLine("Connect as the application user:");
                Console.WriteLine($"  read-write: mariadb --defaults-extra-file={runner.Layout.ClientCnf}");
                Console.WriteLine($"  read-only:  mariadb --defaults-extra-file={runner.Layout.ClientCnf} --port={spec.ReadOnlyPort}");
                Console.WriteLine($"  (the password is in that file, readable by its owner only: never on a command line, where ps shows it)");
                Console.WriteLine($"Web page: {spec.ApiUrl(spec.Members[0])}/ui/ (any member's agent serves it)"
                    + (spec.TlsControlPlane ? $"; your browser needs the playground's CA, {PlaygroundTls.CaFile(runner.Layout)}" : ""));
                Console.WriteLine($"Status: keel status --home {runner.Layout.Home}    Stop: keel down --home {runner.Layout.Home}");
                return 0;
            }
            catch (PlaygroundException ex)
            {
                await Console.Error.WriteLineAsync($"keel up: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
