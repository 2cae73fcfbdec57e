using Keel.Core.Clone;

namespace Keel.Agent.Clone;

/// <summary>
/// Lists the datadirs this member's re-clones moved aside, and removes the ones the <see cref="OldCopies"/> rule names
/// (an operator's `keel reinit --purge-old`, or clone.keep_old_copies). Nothing else is ever removed here.
/// </summary>
public sealed class OldCopyJanitor(string dataDir)
{
    public IReadOnlyList<OldCopy> List()
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir)));
        try
        {
            return parent is not null && Directory.Exists(parent)
                ? OldCopies.Find(Path.GetFullPath(dataDir), Directory.EnumerateDirectories(parent))
                : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Applies the rule; returns one sentence saying what was removed and why (null when nothing was).</summary>
    public string? Tidy(int? keep, bool purge, string? justMoved)
    {
        var (remove, reason) = OldCopies.ToRemove(List(), keep, purge, justMoved);
        if (remove.Count == 0)
        {
            return null;
        }
        var removed = new List<string>();
        var failed = new List<string>();
        foreach (var copy in remove)
        {
            try
            {
                Directory.Delete(copy.Path, recursive: true);
                removed.Add(copy.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failed.Add($"{copy.Path} ({ex.Message})");
            }
        }
        return $"removed {removed.Count} old datadir(s) because {reason}: {string.Join(", ", removed)}"
            + (failed.Count > 0 ? $"; could not remove {string.Join(", ", failed)}" : "");
    }
}
