using System.Diagnostics;
using Keel.Os;

namespace Keel.Network.Tests;

[Collection(LabCollection.Name)]
public sealed class StaleCleanupTests
{
    [Fact]
    public async Task Creating_a_lab_removes_a_crashed_owners_lab_but_not_a_live_one()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        using var logDir = new LogDir();
        var logs = logDir.Path;
        await using var live = await Lab.CreateAsync(budget.Token, "l1");
        var stale = await Lab.CreateAsync(budget.Token, "s1", "s2");
        var sleeper = await stale.StartProcessAsync("s1", ["sleep", "300"], Path.Combine(logs, "sleep.log"), budget.Token);
        // A crash: the owner recorded in the state file is gone, and nobody disposed the lab.
        await stale.SetOwnerAsync(DeadPid(), 1, budget.Token);

        await using var fresh = await Lab.CreateAsync(budget.Token, "f1");

        Assert.Contains($"lab {stale.RunId} (owner pid", string.Join("\n", fresh.Swept));
        Assert.False(File.Exists(stale.StateFile));
        Assert.Null(ProcessIdentity.StartTimeOf(sleeper));
        var namespaces = await Sh.NamespacesAsync();
        Assert.All(stale.Hosts, h => Assert.DoesNotContain(h.Namespace, namespaces));
        var links = await Sh.LinksAsync();
        Assert.DoesNotContain(stale.BridgeInterface, links);
        Assert.DoesNotContain($"kv{stale.RunId}", links);
        // The crashed lab's subnet is free again (the fresh lab may well have taken it).
        Assert.Equal(fresh.Subnet == stale.Subnet ? 1 : 0, (await Sh.GuardRoutesAsync(stale.Subnet)).Count);

        // The live lab of this (running) process was left alone.
        Assert.True(File.Exists(live.StateFile));
        Assert.Contains(live.Hosts[0].Namespace, namespaces);
        Assert.Single(await Sh.GuardRoutesAsync(live.Subnet));
        Assert.Contains(live.Hosts[0].HostInterface, links);

        // Disposing the swept lab object later must neither fail nor touch the fresh lab that reuses its subnet.
        await stale.DisposeAsync();
        Assert.Single(await Sh.GuardRoutesAsync(fresh.Subnet));
        Assert.Contains(fresh.Hosts[0].Namespace, await Sh.NamespacesAsync());
    }

    [Fact]
    public async Task Leftovers_without_a_state_file_are_removed_too()
    {
        using var budget = new CancellationTokenSource(Lab.TestBudget);
        var orphan = await Lab.CreateAsync(budget.Token, "o1");
        // As if the state directory had been wiped (or the run died before writing it).
        File.Delete(orphan.StateFile);

        await using var fresh = await Lab.CreateAsync(budget.Token, "f1");

        var namespaces = await Sh.NamespacesAsync();
        Assert.DoesNotContain(orphan.Hosts[0].Namespace, namespaces);
        var links = await Sh.LinksAsync();
        Assert.DoesNotContain(orphan.BridgeInterface, links);
        Assert.DoesNotContain($"kv{orphan.RunId}", links);
        Assert.Equal(fresh.Subnet == orphan.Subnet ? 1 : 0, (await Sh.GuardRoutesAsync(orphan.Subnet)).Count);
        await orphan.DisposeAsync();
        Assert.Single(await Sh.GuardRoutesAsync(fresh.Subnet));
    }

    /// <summary>The pid of a process that has exited (and been reaped by .NET).</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(ExternalPrograms.StartInfo("true", []))!;
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(5)));
        return p.Id;
    }
}
