using Keel.Core.Model;

namespace Keel.Agent.Store;

/// <summary>
/// The agent's <see cref="StoreMemory"/> on its own disk (run/store-memory.json), so that it survives an agent restart:
/// it is how a member notices that etcd came back empty or from an older snapshot. Written atomically on change.
/// </summary>
public sealed class StoreMemoryFile
{
    private readonly string _path;

    public StoreMemoryFile(string runDir) => _path = System.IO.Path.Combine(runDir, "store-memory.json");

    public string FilePath => _path;

    /// <summary>What was remembered; nothing when the file is missing or unreadable (a first start).</summary>
    public StoreMemory Load() =>
        File.Exists(_path) && StoreJson.Read<StoreMemory>(File.ReadAllText(_path)) is { } memory ? memory : StoreMemory.Nothing;

    public void Save(StoreMemory memory)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
        Keel.Os.AtomicFile.WriteAllText(_path, StoreJson.Write(memory));
    }
}
