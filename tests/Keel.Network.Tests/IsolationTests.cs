namespace Keel.Network.Tests;

[Collection(LabCollection.Name)]
public sealed class IsolationTests
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Isolate_cuts_a_host_off_like_a_nic_down_and_heal_restores_it()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        using var logDir = new LogDir();
        var logs = logDir.Path;
        await using var lab = await Lab.CreateAsync(budget.Token, "a", "b", "c");
        await using var onSwitch = new RootEchoServer(lab.SwitchAddress);
        foreach (var h in lab.Hosts)
        {
            await Echo.StartServerAsync(lab, h.Name, logs, budget.Token);
        }
        var (a, b, c) = (lab.Host("a"), lab.Host("b"), lab.Host("c"));

        await lab.IsolateAsync("a", budget.Token);
        await lab.IsolateAsync("a", budget.Token); // idempotent: no duplicate rules

        var cut = await Echo.FromRootAsync(a.Address, Echo.Port, FailFast);
        Assert.False(cut.Ok, "root -> isolated a");
        Assert.True(cut.Elapsed < FailFast + TimeSpan.FromSeconds(0.5), $"the failed attempt took {cut.Elapsed}");
        Assert.False(await Echo.FromHostAsync(lab, "b", a.Address, Echo.Port, FailFast), "b -> isolated a");
        Assert.False(await Echo.FromHostAsync(lab, "a", lab.SwitchAddress, onSwitch.Port, FailFast), "isolated a -> switch");
        Assert.True(await Echo.FromHostAsync(lab, "a", "127.0.0.1", Echo.Port, FailFast), "isolated a -> its own loopback");
        Assert.True(await Echo.FromHostAsync(lab, "b", c.Address, Echo.Port, FailFast), "b -> c");
        Assert.True((await Echo.FromRootAsync(c.Address, Echo.Port, FailFast)).Ok, "root -> c");
        // The NIC stays up: this is a partition, not a dead link.
        Assert.Contains("state UP", (await lab.RunAsync("a", ["ip", "-o", "link", "show", "eth0"], FailFast, budget.Token)).StdOut);
        var rules = (await lab.RunAsync("a", ["iptables", "-S"], FailFast, budget.Token)).StdOut;
        Assert.Equal(2, rules.Split('\n').Count(l => l.Contains("keel-isolate", StringComparison.Ordinal)));

        // Heal also brings up a NIC that was taken down on top of the isolation.
        await lab.NicDownAsync("b", budget.Token);
        await lab.HealAsync(budget.Token);

        Assert.DoesNotContain("keel-isolate", (await lab.RunAsync("a", ["iptables", "-S"], FailFast, budget.Token)).StdOut);
        Assert.True(await Echo.EventuallyFromRootAsync(a.Address, Echo.Port, TimeSpan.FromSeconds(5)), "root -> a after heal");
        Assert.True(await Echo.EventuallyFromRootAsync(b.Address, Echo.Port, TimeSpan.FromSeconds(5)), "root -> b after heal");
        Assert.True(await Echo.FromHostAsync(lab, "a", lab.SwitchAddress, onSwitch.Port, FailFast), "a -> switch after heal");
        Assert.True(await Echo.FromHostAsync(lab, "b", a.Address, Echo.Port, FailFast), "b -> a after heal");
    }
}
