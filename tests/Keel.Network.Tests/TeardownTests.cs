using System.Diagnostics;
using Keel.Os;

namespace Keel.Network.Tests;

[Collection(LabCollection.Name)]
public sealed class TeardownTests
{
    [Fact]
    public async Task Guard_route_exists_while_the_lab_is_up_and_nothing_of_the_lab_remains_after_dispose()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        var lab = await Lab.CreateAsync(budget.Token, "a", "b");
        try
        {
            var guard = Assert.Single(await Sh.GuardRoutesAsync(lab.Subnet));
            Assert.Contains("metric 4242", guard);
            Assert.True(File.Exists(lab.StateFile));
            var namespaces = await Sh.NamespacesAsync();
            Assert.All(lab.Hosts, h => Assert.Contains(h.Namespace, namespaces));
            // With the bridge up its connected route is the one the kernel picks, not the guard.
            Assert.Contains($"dev {lab.BridgeInterface}", await Sh.OutAsync("ip", "route", "get", lab.Hosts[0].Address));

            // Without the bridge's route, the guard answers: the lab's addresses never fall through to the machine's
            // default route. A route lookup only; no packet is sent.
            await Sh.OutAsync("ip", "link", "set", lab.BridgeInterface, "down");
            var lookup = await ExternalCommand.RunAsync(["ip", "route", "get", lab.Hosts[0].Address], TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.False(lookup.Ok, lookup.StdOut);
            Assert.Contains("No route to host", lookup.StdErr);
            await Sh.OutAsync("ip", "link", "set", lab.BridgeInterface, "up");
            Assert.Contains($"dev {lab.BridgeInterface}", await Sh.OutAsync("ip", "route", "get", lab.Hosts[0].Address));
        }
        finally
        {
            await lab.DisposeAsync();
        }

        Assert.Empty(await Sh.GuardRoutesAsync(lab.Subnet));
        Assert.False(File.Exists(lab.StateFile));
        var after = await Sh.NamespacesAsync();
        Assert.All(lab.Hosts, h => Assert.DoesNotContain(h.Namespace, after));
        var links = await Sh.LinksAsync();
        Assert.DoesNotContain(lab.BridgeInterface, links);
        Assert.DoesNotContain($"kv{lab.RunId}", links);
        Assert.DoesNotContain(lab.Subnet[..^"0/24".Length], await Sh.OutAsync("ip", "-4", "route", "show", "table", "all"));
    }

    [Fact]
    public async Task Dispose_kills_started_processes_and_anything_else_running_in_the_namespaces()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        using var logDir = new LogDir();
        var logs = logDir.Path;
        var lab = await Lab.CreateAsync(budget.Token, "a", "b");
        int sleeper, echo;
        Process? untracked = null;
        try
        {
            sleeper = await lab.StartProcessAsync("a", ["sleep", "300"], Path.Combine(logs, "sleep.log"), budget.Token);
            echo = await Echo.StartServerAsync(lab, "b", logs, budget.Token);
            // The pid is the command's own, and it runs inside the host's namespace.
            Assert.Equal("sleep", (await File.ReadAllTextAsync($"/proc/{sleeper}/comm", budget.Token)).Trim());
            Assert.Equal(lab.Host("a").Namespace, (await Sh.OutAsync("ip", "netns", "identify", sleeper.ToString(System.Globalization.CultureInfo.InvariantCulture))).Trim());
            Assert.Equal(lab.Host("b").Namespace, (await Sh.OutAsync("ip", "netns", "identify", echo.ToString(System.Globalization.CultureInfo.InvariantCulture))).Trim());
            Assert.Equal(new[] { sleeper, echo }.Order(), lab.Processes.Select(p => p.Pid).Order());

            // Something started with the exec prefix but not through StartProcessAsync: teardown must find it too,
            // or the namespace (and its veth) would outlive `ip netns del`.
            var psi = ExternalPrograms.StartInfo("ip", lab.ExecPrefix("a").Skip(1).Concat(["sleep", "300"]));
            psi.RedirectStandardInput = true;
            untracked = Process.Start(psi);
            Assert.NotNull(untracked);
            Assert.True(await EventuallyAsync(async () => (await Sh.OutAsync("ip", "netns", "pids", lab.Host("a").Namespace)).Contains(untracked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        }
        finally
        {
            await lab.DisposeAsync();
        }

        Assert.Null(ProcessIdentity.StartTimeOf(sleeper));
        Assert.Null(ProcessIdentity.StartTimeOf(echo));
        Assert.True(untracked.WaitForExit(TimeSpan.FromSeconds(5)), "the untracked process in the namespace still runs");
        untracked.Dispose();
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> check)
    {
        for (var i = 0; i < 50; i++)
        {
            if (await check())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
