using System.Text.Json;

namespace Keel.Network;

/// <summary>
/// The state files of all labs on this machine, one per run id, and the machine-wide lock that orders lab
/// creation, the stale sweep and state updates between test processes (flock through FileShare.None).
/// /run is a tmpfs like the namespaces themselves, so a reboot forgets both together.
/// </summary>
internal static class LabStateStore
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(60);

    public static string Directory { get; } = System.IO.Directory.Exists("/run") ? "/run/keel-netlab" : "/tmp/keel-netlab";

    public static string PathOf(string runId) => Path.Combine(Directory, runId + ".json");

    /// <summary>Holds the machine-wide lab lock until disposed; waits at most a minute for it.</summary>
    public static async Task<IDisposable> LockAsync(CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, ".lock");
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // On Unix, FileShare.None takes an exclusive flock: it conflicts with other processes and with other
                // open handles in this one, and the kernel drops it if the holder dies.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(25, ct);
            }
            catch (IOException e)
            {
                throw new NetworkLabException($"the network lab lock {path} stayed busy for {LockWait.TotalSeconds:0} s: {e.Message}");
            }
        }
    }

    public static NetworkLabState? Read(string runId)
    {
        try
        {
            var json = File.ReadAllText(PathOf(runId));
            return JsonSerializer.Deserialize(json, LabStateJson.Default.NetworkLabState);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A state file cut short by a crash mid-write cannot happen (we rename into place), but a hand-edited one
            // can: treat it as absent so its leftovers count as stale.
            return null;
        }
    }

    public static IReadOnlyList<NetworkLabState> ReadAll()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        return System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Where(LabNames.IsRunId)
            .Select(Read)
            .OfType<NetworkLabState>()
            .ToList();
    }

    /// <summary>Write-then-rename, so a reader never sees half a file.</summary>
    public static void Write(NetworkLabState state)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(state.RunId);
        var tmp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(state, LabStateJson.Default.NetworkLabState));
        File.Move(tmp, path, overwrite: true);
    }

    public static void Delete(string runId) => File.Delete(PathOf(runId));
}
