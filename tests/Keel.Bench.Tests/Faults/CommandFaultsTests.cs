using Keel.Bench.Faults;
using Keel.Core.Model;

namespace Keel.Bench.Tests.Faults;

public class CommandFaultsTests
{
    private static readonly MemberState Member = new()
    {
        Name = "db2",
        Host = "10.0.0.12",
        Port = 3306,
        ApiUrl = "http://10.0.0.12:8008",
        ServerPid = 4242,
        AgentPid = 77,
    };

    [Fact]
    public void Pairs_become_templates_by_action()
    {
        var (templates, error) = CommandFaults.Parse(["kill-server=ssh {host} sudo kill -9 {server_pid}", "nic-down = ssh {host} sudo ip link set eth0 down"]);

        Assert.Null(error);
        Assert.Equal("ssh {host} sudo kill -9 {server_pid}", templates[FaultAction.KillServer]);
        Assert.Equal("ssh {host} sudo ip link set eth0 down", templates[FaultAction.NicDown]);
    }

    [Theory]
    [InlineData("kill-server", "is not NAME=COMMAND")]
    [InlineData("reboot=ssh x reboot", "'reboot' is not a fault action")]
    [InlineData("pause=", "pause has an empty command")]
    public void A_bad_pair_is_named_with_the_reason_and_nothing_is_returned(string pair, string expected)
    {
        var (templates, error) = CommandFaults.Parse(["kill-agent=true", pair]);

        Assert.Contains(expected, error);
        Assert.Empty(templates);
    }

    [Fact]
    public void The_same_action_twice_is_refused()
    {
        var (_, error) = CommandFaults.Parse(["pause=a", "pause=b"]);

        Assert.Equal("--fault pause is given twice", error);
    }

    [Fact]
    public void Placeholders_are_filled_from_the_member_and_quoted_for_the_shell()
    {
        var command = CommandFaults.Expand("ssh {host} kill -9 {server_pid} {agent_pid} # {member} {port} {api}", Member);

        Assert.Equal("ssh '10.0.0.12' kill -9 '4242' '77' # 'db2' '3306' 'http://10.0.0.12:8008'", command);
    }

    [Fact]
    public void A_pid_the_member_did_not_publish_is_an_error_not_an_empty_argument()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => CommandFaults.Expand("kill -9 {server_pid}", Member with { ServerPid = null }));

        Assert.Contains("db2 published no server pid", ex.Message);
    }

    [Fact]
    public void Only_the_given_actions_can_run_and_the_others_say_which_flag_is_missing()
    {
        var faults = new CommandFaults(new Dictionary<FaultAction, string> { [FaultAction.KillServer] = "true" });

        Assert.Null(faults.CannotRun(FaultAction.KillServer));
        Assert.Equal("it needs --fault nic-up=COMMAND", faults.CannotRun(FaultAction.NicUp));
    }

    [Fact]
    public async Task A_command_runs_with_the_member_filled_in_and_a_failure_carries_its_output()
    {
        var file = Path.Combine(Path.GetTempPath(), "keel-fault-" + Guid.NewGuid().ToString("N"));
        var faults = new CommandFaults(new Dictionary<FaultAction, string>
        {
            [FaultAction.KillAgent] = $"echo {{member}} {{agent_pid}} > {file}",
            [FaultAction.Pause] = "echo no such host >&2; exit 3",
        });
        try
        {
            await faults.RunAsync(FaultAction.KillAgent, Member, CancellationToken.None);
            Assert.Equal("db2 77", File.ReadAllText(file).Trim());

            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => faults.RunAsync(FaultAction.Pause, Member, CancellationToken.None));
            Assert.Contains("the pause command for db2 exited with 3", ex.Message);
            Assert.Contains("no such host", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_case_but_the_switchover_needs_a_fault_action()
    {
        var none = new CommandFaults(new Dictionary<FaultAction, string>());

        Assert.Equal(["planned switchover"], FaultCases.All.Where(c => c.CannotRunWith(none) is null).Select(c => c.Name));
        Assert.Equal("primary NIC down: it needs --fault nic-down=COMMAND",
            FaultCases.All.Single(c => c.Name == "primary NIC down").CannotRunWith(none));
    }
}
