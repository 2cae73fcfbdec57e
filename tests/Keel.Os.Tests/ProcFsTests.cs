using System.Diagnostics;
using Keel.Os;

namespace Keel.Os.Tests;

public class ProcFsTests
{
    [Fact]
    public void This_process_is_alive_with_a_stable_start_time_and_a_group()
    {
        var pid = Environment.ProcessId;

        Assert.True(ProcFs.IsAlive(pid));
        Assert.NotNull(ProcFs.StartTime(pid));
        Assert.Equal(ProcFs.StartTime(pid), ProcFs.StartTime(pid));
        Assert.NotNull(ProcFs.ProcessGroup(pid));
        Assert.NotEmpty(ProcFs.CommandLine(pid));
    }

    [Fact]
    public void A_recycled_pid_is_told_apart_by_its_command_line()
    {
        using var sleeper = Process.Start(ExternalPrograms.StartInfo("sleep", ["30"]))!;
        try
        {
            Assert.True(ProcFs.IsAlive(sleeper.Id, "30"));
            Assert.False(ProcFs.IsAlive(sleeper.Id, "--data-dir=/somewhere/else"));
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [Fact]
    public async Task A_stopped_process_is_alive_and_a_killed_one_is_not()
    {
        using var sleeper = Process.Start(ExternalPrograms.StartInfo("sleep", ["30"]))!;
        Assert.False(ProcFs.IsStopped(sleeper.Id));
        // kill(2) returns before the stop is delivered: Stop waits until every thread shows 'T'.
        Assert.True(Signals.Stop(sleeper.Id, TimeSpan.FromSeconds(10)));
        Assert.Equal('T', ProcFs.State(sleeper.Id));
        Assert.True(ProcFs.IsStopped(sleeper.Id));
        Assert.True(ProcFs.IsAlive(sleeper.Id));

        Assert.True(Signals.Send(sleeper.Id, Signals.SigKill));
        await sleeper.WaitForExitAsync();
        Assert.False(ProcFs.IsAlive(sleeper.Id));
        Assert.Null(ProcFs.StartTime(sleeper.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Signals_to_our_own_group_or_to_everyone_are_refused(int pid)
    {
        // SIGCONT would be harmless even if sent; the point is that it is not.
        Assert.False(Signals.Send(pid, Signals.SigCont));
    }

    [Fact]
    public void A_pid_that_does_not_exist_is_dead_and_has_no_facts()
    {
        const int NoSuchPid = int.MaxValue;

        Assert.False(ProcFs.IsAlive(NoSuchPid));
        Assert.Null(ProcFs.State(NoSuchPid));
        Assert.Empty(ProcFs.CommandLine(NoSuchPid));
        Assert.False(Signals.Send(NoSuchPid, Signals.SigCont));
    }
}
