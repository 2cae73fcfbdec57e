using System.Globalization;

namespace Keel.Core.Clone;

/// <summary>A datadir Keel moved aside (before a re-clone), found next to the datadir, and when it was moved.</summary>
public sealed record OldCopy(string Path, DateTimeOffset MovedAt);

/// <summary>
/// Old datadirs: the copies a re-clone moved aside (<c>DATADIR.reinit-TIME</c>, <c>DATADIR.before-clone-TIME</c>). Keel
/// keeps every one unless told otherwise: `keel reinit --purge-old` removes all but the copy that re-clone moves aside,
/// and `clone.keep_old_copies: N` keeps the newest N after each clone. Pure: the agent lists and removes.
/// </summary>
public static class OldCopies
{
    private const string TimeFormat = "yyyyMMdd-HHmmss";

    /// <summary>The suffixes Keel gives a datadir it moves aside, each followed by the time in UTC.</summary>
    public static readonly IReadOnlyList<string> Suffixes = [".reinit-", ".before-clone-", ".before-restore-"];

    /// <summary>The name a datadir moved aside at <paramref name="now"/> gets, for a re-clone (<c>.reinit-</c>) or a clone.</summary>
    public static string AsidePath(string dataDir, string suffix, DateTimeOffset now) =>
        System.IO.Path.TrimEndingDirectorySeparator(dataDir) + suffix + now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The old copies among <paramref name="siblings"/> (full paths of the entries beside the datadir), oldest first.
    /// Anything else (another member's datadir, Keel's own unfinished <c>.clone</c>, a name with no valid time) is not
    /// an old copy and is never touched.
    /// </summary>
    public static IReadOnlyList<OldCopy> Find(string dataDir, IEnumerable<string> siblings)
    {
        var prefix = System.IO.Path.TrimEndingDirectorySeparator(dataDir);
        var found = new List<OldCopy>();
        foreach (var path in siblings)
        {
            foreach (var suffix in Suffixes)
            {
                var start = prefix + suffix;
                if (path.StartsWith(start, StringComparison.Ordinal)
                    && DateTime.TryParseExact(path[start.Length..], TimeFormat, CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
                {
                    found.Add(new OldCopy(path, new DateTimeOffset(at, TimeSpan.Zero)));
                }
            }
        }
        return [.. found.OrderBy(c => c.MovedAt).ThenBy(c => c.Path, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Which copies to remove, with the reason as one sentence. <paramref name="purge"/> (an operator's `--purge-old`)
    /// removes all but <paramref name="justMoved"/>; otherwise <paramref name="keep"/> (null: keep all) keeps the newest
    /// N, <paramref name="justMoved"/> always among them. Nothing else is ever removed.
    /// </summary>
    public static (IReadOnlyList<OldCopy> Remove, string Reason) ToRemove(IReadOnlyList<OldCopy> copies, int? keep, bool purge, string? justMoved)
    {
        var others = copies.Where(c => c.Path != justMoved).ToList();
        if (purge)
        {
            return (others, others.Count == 0
                ? "no old datadir to purge"
                : $"the operator asked to purge old datadirs (`keel reinit --purge-old`); {(justMoved is null ? "none was moved aside by this re-clone" : $"{justMoved}, moved aside by this re-clone, is kept")}");
        }
        if (keep is not { } n)
        {
            return ([], "clone.keep_old_copies is not set, so every old datadir is kept");
        }
        var room = Math.Max(0, n - (justMoved is not null && copies.Any(c => c.Path == justMoved) ? 1 : 0));
        var remove = others.OrderByDescending(c => c.MovedAt).Skip(room).OrderBy(c => c.MovedAt).ToList();
        return (remove, remove.Count == 0
            ? $"there are no more than {n} old datadirs (clone.keep_old_copies)"
            : $"clone.keep_old_copies keeps the newest {n}");
    }
}
