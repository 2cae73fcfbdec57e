using System.CommandLine;
using Keel.Cli;

// `keel`: the playground (up/down/status) and the agent itself. It talks to etcd and the agents' REST API, never
// to MySQL directly.
var root = new RootCommand("Keel: high availability for MariaDB replication clusters");
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(DownCommand.Create());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(HistoryCommand.Create());
root.Subcommands.Add(RequestCommands.Switchover());
root.Subcommands.Add(RequestCommands.Failover());
root.Subcommands.Add(RequestCommands.Pause(pause: true));
root.Subcommands.Add(RequestCommands.Pause(pause: false));
root.Subcommands.Add(ReinitCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(ChecksumCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(GaleraCommand.Create());
root.Subcommands.Add(MemberCommand.Create());
root.Subcommands.Add(RotatePasswordCommand.Create());
root.Subcommands.Add(StepDownCommand.Create());
root.Subcommands.Add(AgentCommand.Create());
root.Subcommands.Add(WatchdogCommand.Create());
root.Subcommands.Add(SuperviseCommand.Create());
root.Subcommands.Add(ChaosCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return await root.Parse(args).InvokeAsync();
