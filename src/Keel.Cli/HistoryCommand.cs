using System.CommandLine;
using Keel.Agent.Store;
using Keel.Etcd;
using Keel.Playground;
using Spectre.Console;

namespace Keel.Cli;

internal static class HistoryCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var cmd = new Command("history", "Every leadership change: when, old and new primary, reason, GTID position") { home, format };
        cmd.SetAction(async (parse, ct) =>
        {
            var layout = PlaygroundLayout.Resolve(parse.GetValue(home));
            var spec = new PlaygroundRunner(layout, Console.Out).LoadSpec();
            if (spec is null)
            {
                await Console.Error.WriteLineAsync($"keel history: no playground in {layout.Home}");
                return 2;
            }
            using var etcd = new EtcdClient(spec.EtcdOptions());
            var entries = await new ClusterStore(etcd, new KeyLayout(spec.Cluster)).ReadHistoryAsync(ct);
            if (parse.GetValue(format) == "json")
            {
                // For tools: every entry, oldest first, with the store's field names (at, old_primary, new_primary, reason, position).
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(entries, StoreJson.Default.IReadOnlyListHistoryEntry));
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "Time (UTC)", "Old primary", "New primary", "Reason", "GTID" })
            {
                table.AddColumn(h);
            }
            foreach (var e in entries)
            {
                table.AddRow(e.At.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(e.OldPrimary ?? "-"), Markup.Escape(e.NewPrimary), Markup.Escape(e.Reason), Markup.Escape(e.Position));
            }
            ConsoleOutput.Create().Write(table);
            return 0;
        });
        return cmd;
    }
}
