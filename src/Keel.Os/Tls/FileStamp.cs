namespace Keel.Os.Tls;

/// <summary>A cheap "did these files change?" mark: each file's modification time and size (or "missing").</summary>
public static class FileStamp
{
    public static string Of(params IEnumerable<string> files) => string.Join('|', files.Select(f =>
    {
        var info = new FileInfo(f);
        return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : "missing";
    }));
}
