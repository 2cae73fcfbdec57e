namespace Keel.Agent.Store;

/// <summary>Where Keel keeps each thing in etcd (docs/etcd-keys.md describes the same layout).</summary>
public sealed record KeyLayout(string Cluster)
{
    public string Prefix => $"/keel/{Cluster}/";
    public string Initialize => Prefix + "initialize";
    public string Leader => Prefix + "leader";
    public string MembersPrefix => Prefix + "members/";
    public string Member(string name) => MembersPrefix + name;
    public string RosterPrefix => Prefix + "roster/";
    public string RosterEntry(string name) => RosterPrefix + name;
    public string LastLeader => Prefix + "last-leader";
    public string ReinitPrefix => Prefix + "reinit/";
    public string Reinit(string name) => ReinitPrefix + name;
    public string Request => Prefix + "request";
    public string Pause => Prefix + "pause";
    public string PasswordRotation => Prefix + "password-rotation";
    public string BackupRequest => Prefix + "backup/request";
    public string BackupProgress => Prefix + "backup/progress";
    public string BackupLast => Prefix + "backup/last";
    public string BackupSlot => Prefix + "backup/slot";
    public string ArchiveLock => Prefix + "archive/lock";
    public string GaleraBootstrap => Prefix + "galera/bootstrap";
    public string GaleraForce => Prefix + "galera/force";
    public string GaleraRestartPrefix => Prefix + "galera/restart/";
    public string GaleraRestart(string name) => GaleraRestartPrefix + name;
    public string ArchiveStatus => Prefix + "archive/status";
    public string HistoryPrefix => Prefix + "history/";
    public string History(long revision) => HistoryPrefix + revision.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
}
