using System.Reflection;

namespace Keel.Agent.Ui;

/// <summary>
/// The page's files (index.html, app.js, style.css), built into the agent as resources: no separate server, nothing to
/// install beside the binary, and no build step (hand-written, framework-free, a few kilobytes).
/// </summary>
public static class UiAssets
{
    private static readonly Assembly Self = typeof(UiAssets).Assembly;

    public static IReadOnlyList<string> Names { get; } = ["index.html", "app.js", "style.css"];

    /// <summary>The file's bytes and content type, or null when there is no such file.</summary>
    public static (byte[] Bytes, string ContentType)? Get(string name)
    {
        if (!Names.Contains(name))
        {
            return null;
        }
        using var stream = Self.GetManifestResourceStream("ui/" + name);
        if (stream is null)
        {
            return null;
        }
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var type = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
        return (copy.ToArray(), type);
    }
}
