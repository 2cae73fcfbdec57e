using Keel.Agent.Store;
using Keel.Core.Fencing;

namespace Keel.Agent.Fencing;

/// <summary>
/// The agent's <see cref="FencePromise"/> on local disk (run/fence.json), the only thing the watchdog reads from it:
/// a file, not a socket or the API, so that the watchdog depends on nothing the agent could be stuck in.
/// </summary>
public sealed class FenceFile
{
    public FenceFile(string runDir) => FilePath = Path.Combine(runDir, "fence.json");

    public string FilePath { get; }

    /// <summary>The last promise; null when there is none or it cannot be read (treated as "no promise").</summary>
    public FencePromise? Read()
    {
        try
        {
            return File.Exists(FilePath) ? StoreJson.Read<FencePromise>(File.ReadAllText(FilePath)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Written atomically (rename), so the watchdog never reads half a promise.</summary>
    public void Write(FencePromise promise)
    {
        Keel.Os.AtomicFile.WriteAllText(FilePath, StoreJson.Write(promise));
    }
}
