using System.Text;

namespace Keel.MySql.Server;

/// <summary>The last lines of the error log, preferring what was written since a given offset (this start's lines).</summary>
internal static class LogTail
{
    public static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    public static string Read(string path, long sinceOffset, int maxLines = 20)
    {
        try
        {
            // The server may still be writing: share the file rather than fail on a lock.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var since = sinceOffset <= stream.Length ? sinceOffset : 0;

            // Only the last 64 KB can matter for 20 lines; a long-lived log can be large.
            var from = Math.Max(since, stream.Length - (64 * 1024));
            if (from >= stream.Length)
            {
                from = Math.Max(0, stream.Length - (64 * 1024));
            }

            stream.Seek(from, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', lines.TakeLast(maxLines));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(error log {path} unreadable: {ex.Message})";
        }
    }
}
