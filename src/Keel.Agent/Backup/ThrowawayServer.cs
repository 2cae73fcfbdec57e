using Keel.MySql.Server;

namespace Keel.Agent.Backup;

/// <summary>
/// A mariadbd on a copy, for Keel's own work on it (verify, restore, reading a restored copy): no network, so nothing
/// but Keel reaches it, and no semi-sync wait, since no replica could acknowledge. Its run directory is a short one in
/// the system's temp directory (a unix socket path must stay under 108 bytes); the caller kills it and removes that.
/// </summary>
public static class ThrowawayServer
{
    public static MariaDbServer On(string dataDir, string runDir, int serverId, IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string> { ["skip-networking"] = "", ["rpl_semi_sync_master_enabled"] = "OFF" };
        foreach (var (k, v) in more ?? new Dictionary<string, string>())
        {
            settings[k] = v;
        }
        return new MariaDbServer(new MariaDbServerOptions { DataDir = dataDir, RunDir = runDir, Port = 3306, ServerId = serverId, ExtraSettings = settings });
    }

    /// <summary>A fresh run directory for one: /tmp/PREFIX-xxxxxxxxxx.</summary>
    public static string NewRunDir(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)]);
}
