using System.Globalization;

namespace Keel.Agent.Galera;

/// <summary>
/// grastate.dat in the datadir: the node's cluster uuid, seqno (-1 after a crash: the position is then only known from
/// InnoDB, by `--wsrep-recover`) and safe_to_bootstrap. The agent sets safe_to_bootstrap itself on the node it chose,
/// instead of an operator editing the file.
/// </summary>
public sealed record GaleraStateFile(string? Uuid, long Seqno, bool SafeToBootstrap)
{
    public const string FileName = "grastate.dat";

    public static GaleraStateFile? Read(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        string? uuid = null;
        long seqno = -1;
        var safe = false;
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                continue;
            }
            switch (parts[0])
            {
                case "uuid":
                    uuid = parts[1];
                    break;
                case "seqno":
                    seqno = long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : -1;
                    break;
                case "safe_to_bootstrap":
                    safe = parts[1] == "1";
                    break;
            }
        }
        return new GaleraStateFile(uuid, seqno, safe);
    }

    /// <summary>Sets safe_to_bootstrap: 1, keeping every other line; false when there is no grastate.dat (a new datadir needs none).</summary>
    public static bool MarkSafeToBootstrap(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            return false;
        }
        var lines = File.ReadAllLines(path).Select(l => l.StartsWith("safe_to_bootstrap:", StringComparison.Ordinal) ? "safe_to_bootstrap: 1" : l).ToList();
        if (!lines.Any(l => l.StartsWith("safe_to_bootstrap:", StringComparison.Ordinal)))
        {
            lines.Add("safe_to_bootstrap: 1");
        }
        var temp = path + ".keel";
        File.WriteAllLines(temp, lines);
        File.Move(temp, path, overwrite: true);
        return true;
    }
}
