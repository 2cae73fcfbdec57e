namespace Keel.Network.Tests;

[Collection(LabCollection.Name)]
public sealed class ReachabilityTests
{
    [Fact]
    public async Task Every_host_reaches_the_switch_and_the_other_hosts_and_the_root_namespace_reaches_every_host()
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

        foreach (var h in lab.Hosts)
        {
            Assert.True(await Echo.FromHostAsync(lab, h.Name, lab.SwitchAddress, onSwitch.Port, TimeSpan.FromSeconds(2)), $"{h.Name} -> switch");
            foreach (var other in lab.Hosts.Where(o => o != h))
            {
                Assert.True(await Echo.FromHostAsync(lab, h.Name, other.Address, Echo.Port, TimeSpan.FromSeconds(2)), $"{h.Name} -> {other.Name}");
            }
            Assert.True((await Echo.FromRootAsync(h.Address, Echo.Port, TimeSpan.FromSeconds(2))).Ok, $"root -> {h.Name}");
        }
    }

    [Fact]
    public async Task Topology_is_as_documented()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        await using var lab = await Lab.CreateAsync(budget.Token, "m1", "m2");
        var prefix = lab.Subnet[..^"0/24".Length];
        Assert.Matches(@"^10\.213\.\d{1,3}\.0/24$", lab.Subnet);
        Assert.Equal(prefix + "1", lab.SwitchAddress);
        Assert.Equal($"kbr{lab.RunId}", lab.BridgeInterface);
        Assert.Equal(
            [
                new LabHost("m1", $"keel-{lab.RunId}-m1", prefix + "10", $"kv{lab.RunId}h0", "eth0"),
                new LabHost("m2", $"keel-{lab.RunId}-m2", prefix + "11", $"kv{lab.RunId}h1", "eth0"),
            ],
            lab.Hosts);
        Assert.Equal(["ip", "netns", "exec", $"keel-{lab.RunId}-m2"], lab.ExecPrefix("m2"));
        Assert.Contains($"inet {lab.SwitchAddress}/24", await Sh.OutAsync("ip", "-4", "-o", "addr", "show", "dev", lab.BridgeInterface));
        Assert.Contains($"master {lab.BridgeInterface}", await Sh.OutAsync("ip", "-o", "link", "show", "dev", lab.Host("m1").HostInterface));
        var inside = await lab.RunAsync("m1", ["ip", "-4", "-o", "addr", "show"], TimeSpan.FromSeconds(5), budget.Token);
        Assert.Contains("lo    inet 127.0.0.1/8", inside.StdOut);
        Assert.Contains($"eth0    inet {prefix}10/24", inside.StdOut);
        Assert.Throws<ArgumentException>(() => lab.Host("nope"));
    }
}
