namespace Keel.Playground;

/// <summary>Where everything of one playground lives under its home directory.</summary>
public sealed record PlaygroundLayout(string Home)
{
    /// <summary>--home, else $KEEL_HOME, else ~/.keel.</summary>
    public static PlaygroundLayout Resolve(string? home)
    {
        var dir = home ?? Environment.GetEnvironmentVariable("KEEL_HOME");
        if (string.IsNullOrEmpty(dir))
        {
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keel");
        }
        return new PlaygroundLayout(Path.GetFullPath(dir));
    }

    public string SpecFile => Path.Combine(Home, "playground.json");
    public string ClientCnf => Path.Combine(Home, "client.cnf");
    public string EtcdDir => Path.Combine(Home, "etcd");

    /// <summary>An etcd member's directory (data/ and etcd.log); the single etcd of older playgrounds used etcd/ itself.</summary>
    public string EtcdMemberDir(PlaygroundSpec spec, string name) => spec.EtcdSize == 1 ? EtcdDir : Path.Combine(EtcdDir, name);

    public string EtcdMemberData(PlaygroundSpec spec, string name) => Path.Combine(EtcdMemberDir(spec, name), "data");
    public string HaproxyDir => Path.Combine(Home, "haproxy");
    public string HaproxyConfig => Path.Combine(HaproxyDir, "haproxy.cfg");
    public string HaproxyPid => Path.Combine(HaproxyDir, "haproxy.pid");
    public string HaproxySocket => Path.Combine(HaproxyDir, "admin.sock");
    public string SupervisorPid => Path.Combine(Home, "supervisor.pid");

    /// <summary>The playground's backup repository (backup.repository of every agent).</summary>
    public string Backups => Path.Combine(Home, "backups");
    public string SupervisorLog => Path.Combine(Home, "supervisor.log");
    public string MemberDir(string name) => Path.Combine(Home, name);
    public string MemberConfig(string name) => Path.Combine(MemberDir(name), "agent.yaml");
    public string MemberData(string name) => Path.Combine(MemberDir(name), "data");
    public string MemberRun(string name) => Path.Combine(MemberDir(name), "run");
    public string AgentPid(string name) => Path.Combine(MemberDir(name), "agent.pid");
    public string AgentLog(string name) => Path.Combine(MemberDir(name), "agent.log");
    public string WatchdogPid(string name) => Path.Combine(MemberDir(name), "watchdog.pid");
    public string WatchdogLog(string name) => Path.Combine(MemberDir(name), "watchdog.log");
}
