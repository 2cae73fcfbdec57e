namespace Keel.Network.Tests;

[Collection(LabCollection.Name)]
public sealed class NicFaultTests
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Nic_down_makes_only_that_host_unreachable_and_nic_up_brings_it_back()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        using var logDir = new LogDir();
        var logs = logDir.Path;
        await using var lab = await Lab.CreateAsync(budget.Token, "a", "b", "c");
        foreach (var h in lab.Hosts)
        {
            await Echo.StartServerAsync(lab, h.Name, logs, budget.Token);
        }
        var (a, b, c) = (lab.Host("a"), lab.Host("b"), lab.Host("c"));
        Assert.True((await Echo.FromRootAsync(a.Address, Echo.Port, FailFast)).Ok);

        await lab.NicDownAsync("a", budget.Token);

        var down = await Echo.FromRootAsync(a.Address, Echo.Port, FailFast);
        Assert.False(down.Ok, "a is still reachable with its NIC down");
        Assert.True(down.Elapsed < FailFast + TimeSpan.FromSeconds(0.5), $"the failed attempt took {down.Elapsed}");
        Assert.True((await Echo.FromRootAsync(b.Address, Echo.Port, FailFast)).Ok, "root -> b");
        Assert.True((await Echo.FromRootAsync(c.Address, Echo.Port, FailFast)).Ok, "root -> c");
        Assert.True(await Echo.FromHostAsync(lab, "b", c.Address, Echo.Port, FailFast), "b -> c");
        Assert.False(await Echo.FromHostAsync(lab, "b", a.Address, Echo.Port, FailFast), "b -> a");
        // Namespace side cut, root side untouched: the bridge port only lost its carrier.
        Assert.Contains("state DOWN", (await lab.RunAsync("a", ["ip", "-o", "link", "show", "eth0"], FailFast, budget.Token)).StdOut);
        Assert.Contains("NO-CARRIER", await Sh.OutAsync("ip", "-o", "link", "show", "dev", a.HostInterface));

        await lab.NicUpAsync("a", budget.Token);

        Assert.True(await Echo.EventuallyFromRootAsync(a.Address, Echo.Port, TimeSpan.FromSeconds(5)), "a did not come back after NIC up");
        Assert.True(await Echo.FromHostAsync(lab, "b", a.Address, Echo.Port, FailFast), "b -> a after NIC up");
        Assert.True(await Echo.FromHostAsync(lab, "a", b.Address, Echo.Port, FailFast), "a -> b after NIC up");
    }

    [Fact]
    public async Task A_host_with_its_nic_down_still_reaches_its_own_loopback_and_has_no_default_route()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        using var logDir = new LogDir();
        var logs = logDir.Path;
        await using var lab = await Lab.CreateAsync(budget.Token, "a", "b");
        await Echo.StartServerAsync(lab, "a", logs, budget.Token);

        var routes = await lab.RunAsync("a", ["ip", "-4", "route", "show", "table", "all"], FailFast, budget.Token);
        Assert.True(routes.Ok, routes.Describe());
        Assert.DoesNotContain("default", routes.StdOut);
        Assert.Contains(lab.Subnet, routes.StdOut);

        await lab.NicDownAsync("a", budget.Token);

        Assert.True(await Echo.FromHostAsync(lab, "a", "127.0.0.1", Echo.Port, FailFast), "loopback inside a with its NIC down");
        // Leaving the host is impossible at once: the subnet route went with the NIC and there is no default route.
        var subnetGone = await lab.RunAsync("a", ["ip", "-4", "route", "show"], FailFast, budget.Token);
        Assert.DoesNotContain(lab.Subnet, subnetGone.StdOut);
        Assert.DoesNotContain("default", subnetGone.StdOut);
        Assert.False(await Echo.FromHostAsync(lab, "a", lab.SwitchAddress, Echo.Port, FailFast), "a -> switch with its NIC down");

        await lab.NicUpAsync("a", budget.Token);
        var back = await lab.RunAsync("a", ["ip", "-4", "route", "show"], FailFast, budget.Token);
        Assert.Contains(lab.Subnet, back.StdOut);
        Assert.Contains($"inet {lab.Host("a").Address}/24", (await lab.RunAsync("a", ["ip", "-4", "-o", "addr", "show", "dev", "eth0"], FailFast, budget.Token)).StdOut);
    }

    [Fact]
    public async Task Nic_up_restores_an_address_and_route_that_were_removed()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        using var logDir = new LogDir();
        var logs = logDir.Path;
        await using var lab = await Lab.CreateAsync(budget.Token, "a");
        await Echo.StartServerAsync(lab, "a", logs, budget.Token);
        var a = lab.Host("a");
        await lab.NicDownAsync("a", budget.Token);
        var flush = await lab.RunAsync("a", ["ip", "addr", "flush", "dev", "eth0"], FailFast, budget.Token);
        Assert.True(flush.Ok, flush.Describe());

        await lab.NicUpAsync("a", budget.Token);

        Assert.True(await Echo.EventuallyFromRootAsync(a.Address, Echo.Port, TimeSpan.FromSeconds(5)), "a did not come back after NIC up");
    }
}
