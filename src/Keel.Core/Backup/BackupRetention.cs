namespace Keel.Core.Backup;

/// <summary>`backup.retention`: keep the newest <see cref="Count"/> backups and/or those younger than <see cref="MaxAge"/> (null: no limit).</summary>
public sealed record RetentionPolicy(int? Count, TimeSpan? MaxAge)
{
    public static readonly RetentionPolicy KeepAll = new(null, null);
}

/// <summary>
/// Which backups the retention policy lets go, with the reason as one sentence. The newest backup is always kept,
/// and the newest one that passed verification too: a policy never leaves the repository without a restorable copy.
/// </summary>
public static class BackupRetention
{
    public static (IReadOnlyList<BackupManifest> Remove, string Reason) ToRemove(IReadOnlyList<BackupManifest> backups, RetentionPolicy policy, DateTimeOffset now)
    {
        if (policy.Count is null && policy.MaxAge is null)
        {
            return ([], "backup.retention is not set, so every backup is kept");
        }
        var newestFirst = backups.OrderByDescending(b => b.FinishedAt).ToList();
        var protectedIds = new HashSet<string>(StringComparer.Ordinal);
        if (newestFirst.FirstOrDefault() is { } newest)
        {
            protectedIds.Add(newest.Id);
        }
        if (newestFirst.FirstOrDefault(b => b.Verification?.Passed == true) is { } verified)
        {
            protectedIds.Add(verified.Id);
        }
        var remove = newestFirst
            .Select((b, index) => (b, index))
            .Where(x => !protectedIds.Contains(x.b.Id)
                && ((policy.Count is { } n && x.index >= n) || (policy.MaxAge is { } age && now - x.b.FinishedAt > age)))
            .Select(x => x.b)
            .OrderBy(b => b.FinishedAt)
            .ToList();
        var rules = string.Join(" and ", new[]
        {
            policy.Count is { } c ? $"keeps the newest {c}" : null,
            policy.MaxAge is { } a ? $"keeps those younger than {a.TotalDays:0.##} day(s)" : null,
        }.OfType<string>());
        return (remove, $"backup.retention {rules} (the newest backup and the newest verified one are always kept)");
    }
}
