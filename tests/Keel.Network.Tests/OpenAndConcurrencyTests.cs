namespace Keel.Network.Tests;

[Collection(LabCollection.Name)]
public sealed class OpenAndConcurrencyTests
{
    [Fact]
    public async Task A_lab_can_be_reopened_by_run_id_driven_and_left_running_or_torn_down()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        using var logDir = new LogDir();
        var logs = logDir.Path;
        var created = await Lab.CreateAsync(budget.Token, "a", "b");
        try
        {
            await Echo.StartServerAsync(created, "a", logs, budget.Token);

            // What `keel chaos nic-down a` does in its own process: open, act, detach.
            var chaos = await NetworkLab.OpenAsync(created.RunId, budget.Token);
            Assert.Equal(created.Hosts, chaos.Hosts);
            Assert.Equal(created.SwitchAddress, chaos.SwitchAddress);
            await chaos.NicDownAsync("a", budget.Token);
            Assert.False((await Echo.FromRootAsync(created.Host("a").Address, Echo.Port, TimeSpan.FromSeconds(2))).Ok);
            var sleeper = await chaos.StartProcessAsync("b", ["sleep", "300"], Path.Combine(logs, "b-sleep.log"), budget.Token);
            chaos.Detach();
            await chaos.DisposeAsync();
            Assert.Contains(created.Hosts[0].Namespace, await Sh.NamespacesAsync());

            // `keel down` in yet another process: open and dispose tears everything down, including processes
            // that the creator and the chaos command started.
            await using (var down = await NetworkLab.OpenAsync(created.RunId, budget.Token))
            {
                Assert.Equal(2, down.Processes.Count);
            }
            Assert.Null(ProcessIdentity.StartTimeOf(sleeper));
            Assert.DoesNotContain(created.Hosts[0].Namespace, await Sh.NamespacesAsync());
            Assert.Empty(await Sh.GuardRoutesAsync(created.Subnet));
            await Assert.ThrowsAsync<NetworkLabException>(() => NetworkLab.OpenAsync(created.RunId, budget.Token));
        }
        finally
        {
            await created.DisposeAsync();
        }
    }

    [Fact]
    public async Task Labs_built_concurrently_get_distinct_subnets_and_all_work()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        Lab.Require();
        var labs = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => NetworkLab.CreateAsync([$"x{i}"], budget.Token)));
        try
        {
            Assert.Equal(3, labs.Select(l => l.Subnet).Distinct().Count());
            foreach (var lab in labs)
            {
                Assert.Single(await Sh.GuardRoutesAsync(lab.Subnet));
                var r = await lab.RunAsync(lab.Hosts[0].Name, ["ip", "-4", "route", "show"], TimeSpan.FromSeconds(5), budget.Token);
                Assert.Contains(lab.Subnet, r.StdOut);
            }
        }
        finally
        {
            foreach (var lab in labs)
            {
                await lab.DisposeAsync();
            }
        }
        foreach (var lab in labs)
        {
            Assert.Empty(await Sh.GuardRoutesAsync(lab.Subnet));
        }
    }

    [Fact]
    public async Task Bad_host_names_are_refused_before_anything_is_built()
    {
        Lab.Require();
        await Assert.ThrowsAsync<ArgumentException>(() => NetworkLab.CreateAsync(["a", "a"], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => NetworkLab.CreateAsync(["has space"], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => NetworkLab.CreateAsync([], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => NetworkLab.OpenAsync("../etc", CancellationToken.None));
    }
}
