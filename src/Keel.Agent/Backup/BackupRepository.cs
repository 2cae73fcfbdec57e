using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Backup;
using Keel.Os;

namespace Keel.Agent.Backup;

/// <summary>
/// Where backups live. A directory here (a mounted network volume in production); the interface is what an
/// S3-compatible store would implement later.
/// </summary>
public interface IBackupRepository
{
    string Location { get; }

    /// <summary>Finished backups (those with a manifest), oldest first.</summary>
    IReadOnlyList<BackupManifest> List();

    BackupManifest? Find(string id);

    /// <summary>A new backup's data file, written under a temporary name until <see cref="Commit"/>.</summary>
    Stream Create(string id);

    /// <summary>Finishes a backup: the data file gets its name and the manifest is written last.</summary>
    void Commit(BackupManifest manifest);

    /// <summary>Drops what an unfinished backup wrote (never a finished one).</summary>
    void Abandon(string id);

    Stream Open(string id);

    void SaveManifest(BackupManifest manifest);

    /// <summary>Removes a finished backup (retention only).</summary>
    void Remove(string id);
}

/// <summary>
/// Layout: ROOT/backups/ID/backup.mbstream.zst (zstd-compressed mbstream) and ROOT/backups/ID/manifest.json. A
/// backup is finished when its manifest exists; the manifest is written atomically, after the data.
/// </summary>
public sealed class DirectoryBackupRepository(string root) : IBackupRepository
{
    public const string DataFile = "backup.mbstream.zst";
    private const string ManifestFile = "manifest.json";

    public string Location => Path.GetFullPath(root);

    private string Dir(string id) => Path.Combine(Location, "backups", id);

    public string DataPath(string id) => Path.Combine(Dir(id), DataFile);

    public IReadOnlyList<BackupManifest> List()
    {
        var dir = Path.Combine(Location, "backups");
        return Directory.Exists(dir)
            ? [.. Directory.GetDirectories(dir).Select(d => Read(Path.Combine(d, ManifestFile))).OfType<BackupManifest>().OrderBy(m => m.FinishedAt)]
            : [];
    }

    public BackupManifest? Find(string id) => IsId(id) ? Read(Path.Combine(Dir(id), ManifestFile)) : null;

    public Stream Create(string id)
    {
        // The repository holds copies of datadirs (master.info has the replication password): its owner's only.
        Keel.Os.PrivateDirectory.Create(Location);
        Keel.Os.PrivateDirectory.Create(Path.Combine(Location, "backups"));
        Directory.CreateDirectory(Dir(id));
        return new FileStream(DataPath(id) + ".partial", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
    }

    public void Commit(BackupManifest manifest)
    {
        File.Move(DataPath(manifest.Id) + ".partial", DataPath(manifest.Id), overwrite: true);
        SaveManifest(manifest);
    }

    public void Abandon(string id)
    {
        if (File.Exists(Path.Combine(Dir(id), ManifestFile)))
        {
            return;
        }
        if (Directory.Exists(Dir(id)))
        {
            Directory.Delete(Dir(id), recursive: true);
        }
    }

    public Stream Open(string id) => new FileStream(DataPath(id), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);

    public void SaveManifest(BackupManifest manifest) =>
        AtomicFile.WriteAllText(Path.Combine(Dir(manifest.Id), ManifestFile), JsonSerializer.Serialize(manifest, BackupJson.Default.BackupManifest));

    public void Remove(string id)
    {
        if (Find(id) is not null)
        {
            // The manifest first: a half-removed backup must not look finished.
            File.Delete(Path.Combine(Dir(id), ManifestFile));
            Directory.Delete(Dir(id), recursive: true);
        }
    }

    /// <summary>Ids are made by Keel (time and member); anything else could walk out of the repository.</summary>
    public static bool IsId(string id) => id.Length is > 0 and < 100 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static BackupManifest? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), BackupJson.Default.BackupManifest) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(BackupRequest))]
[JsonSerializable(typeof(BackupOutcome))]
[JsonSerializable(typeof(BackupProgress))]
[JsonSerializable(typeof(IReadOnlyList<BackupManifest>))]
[JsonSerializable(typeof(Keel.Core.Backup.Archive.ArchiveStatus))]
public sealed partial class BackupJson : JsonSerializerContext;
