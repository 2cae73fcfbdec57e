using System.CommandLine;
using Keel.Network;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>`keel chaos`: cut and heal the network of a playground started with --isolated-hosts.</summary>
internal static class ChaosCommand
{
    public static Command Create()
    {
        var cmd = new Command("chaos", "Fault injection on a playground started with --isolated-hosts");
        cmd.Subcommands.Add(Fault("nic-down", "Take a member's network interface down (its namespace side)", (lab, m, ct) => lab.NicDownAsync(m!, ct)));
        cmd.Subcommands.Add(Fault("nic-up", "Bring a member's network interface back up", (lab, m, ct) => lab.NicUpAsync(m!, ct)));
        cmd.Subcommands.Add(Fault("isolate", "Partition a member with firewall rules (its interface stays up)", (lab, m, ct) => lab.IsolateAsync(m!, ct)));
        cmd.Subcommands.Add(Fault("heal", "Every member's interface up and every partition removed", (lab, _, ct) => lab.HealAsync(ct), needsMember: false));
        return cmd;
    }

    private static Command Fault(string name, string description, Func<NetworkLab, string?, CancellationToken, Task> act, bool needsMember = true)
    {
        var home = CommonOptions.Home();
        var member = new Argument<string>("member") { Description = "member name, e.g. m2" };
        var cmd = new Command(name, description) { home };
        if (needsMember)
        {
            cmd.Arguments.Add(member);
        }
        cmd.SetAction(async (parse, ct) =>
        {
            var runner = new PlaygroundRunner(PlaygroundLayout.Resolve(parse.GetValue(home)), Console.Out);
            var spec = runner.LoadSpec();
            var target = needsMember ? parse.GetValue(member) : null;
            if (spec is null || !spec.IsolatedHosts)
            {
                await Console.Error.WriteLineAsync($"keel chaos {name}: needs a playground started with `keel up --isolated-hosts`");
                return 2;
            }
            if (target is not null && spec.Members.All(m => m.Name != target))
            {
                await Console.Error.WriteLineAsync($"keel chaos {name}: no member named {target} (members: {string.Join(", ", spec.Members.Select(m => m.Name))})");
                return 2;
            }
            try
            {
                var lab = await runner.OpenLabAsync(ct) ?? throw new NetworkLabException("the playground has no network lab; run `keel up` again");
                lab.Detach();
                await act(lab, target, ct);
                await lab.DisposeAsync();
                Console.WriteLine(target is null ? $"{name}: done" : $"{name} {target}: done");
                return 0;
            }
            catch (NetworkLabException ex)
            {
                await Console.Error.WriteLineAsync($"keel chaos {name}: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }
}
