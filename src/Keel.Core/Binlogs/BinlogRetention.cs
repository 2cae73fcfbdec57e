using System.Globalization;
using Keel.Core.Disk;
using Keel.Core.Gtid;

namespace Keel.Core.Binlogs;

/// <summary>
/// Which of the local binlogs may go. A reader at position P reads from the newest file that began at a position P
/// holds (everything after P is in it or later), so every older file is no longer needed by that reader. Files go
/// when a cap says so (age or total size) and no live reader needs them; the active (last) file is never purged.
/// </summary>
public static class BinlogRetention
{
    public static RetentionPlan Plan(IReadOnlyList<LocalBinlogFile> files, IReadOnlyList<BinlogNeed> needs, BinlogRetentionPolicy policy, DateTimeOffset now)
    {
        if (files.Count <= 1)
        {
            return new RetentionPlan(null, 0, 0, "keeps its only binlog file", []);
        }
        var last = files.Count - 1;
        var capFrom = Math.Max(KeepFromSize(files, policy.MaxBytes), KeepFromAge(files, policy.MaxAge, now));
        var warnings = new List<string>();

        // A live reader whose position is unknown may need any file.
        var live = needs.Where(n => n.Live)
            .Select(n => n.Position is null ? (Who: $"{n.Who} (position unknown)", From: 0) : (Who: $"{n.Who} (at {n.Position})", From: NeededFrom(files, n.Position)))
            .ToList();
        var protect = live.Count == 0 ? last : Math.Min(last, live.Min(n => n.From));
        var protectedBy = live.Where(n => n.From == protect).Select(n => n.Who).ToList();

        var purgeTo = Math.Min(capFrom, protect);
        if (capFrom > protect)
        {
            warnings.Add($"binlogs before {files[capFrom].Name} are past the retention cap ({DescribeCap(policy)}) but are kept because {string.Join(", ", protectedBy)} still needs them from {files[protect].Name} on");
        }
        foreach (var down in needs.Where(n => !n.Live && n.Position is not null))
        {
            var from = NeededFrom(files, down.Position!);
            warnings.Add(from < purgeTo
                ? $"{down.Who} is down and needs binlogs from {files[from].Name} on, which are purged here now (up to {files[purgeTo].Name}): it will need a re-clone unless another member still has them"
                : $"{down.Who} is down and needs binlogs from {files[from].Name} on: it will need a re-clone if binlogs are purged past {files[from].Name} (at the retention cap: {DescribeCap(policy)})");
        }

        if (purgeTo <= 0)
        {
            var why = capFrom <= 0 ? $"every binlog is within the retention cap ({DescribeCap(policy)})" : $"{string.Join(", ", protectedBy)} still needs every binlog";
            return new RetentionPlan(null, 0, 0, $"purges no binlog because {why}", warnings);
        }
        var purged = files.Take(purgeTo).ToList();
        var bytes = purged.Sum(f => f.Size);
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"purged {purged.Count} binlog file(s) ({ByteText.Format(bytes)}, {purged[0].Name} to {purged[^1].Name}) because they are past the retention cap ({DescribeCap(policy)}) and no live member nor the archiver needs them");
        return new RetentionPlan(files[purgeTo].Name, purged.Count, bytes, reason, warnings);
    }

    /// <summary>The index of the oldest file a reader at <paramref name="position"/> needs: the newest that began at a position it holds (0 if none did).</summary>
    public static int NeededFrom(IReadOnlyList<LocalBinlogFile> files, GtidPosition position)
    {
        for (var i = files.Count - 1; i >= 0; i--)
        {
            if (position.Contains(files[i].Start))
            {
                return i;
            }
        }
        return 0;
    }

    /// <summary>First index kept by the size cap: the newest files whose sizes add up to at most the cap (the active one always).</summary>
    private static int KeepFromSize(IReadOnlyList<LocalBinlogFile> files, long? maxBytes)
    {
        if (maxBytes is not { } max)
        {
            return 0;
        }
        var sum = files[^1].Size;
        var from = files.Count - 1;
        while (from > 0 && sum + files[from - 1].Size <= max)
        {
            from--;
            sum += files[from].Size;
        }
        return from;
    }

    /// <summary>First index kept by the age cap: the oldest file last written within the age (the active one always).</summary>
    private static int KeepFromAge(IReadOnlyList<LocalBinlogFile> files, TimeSpan? maxAge, DateTimeOffset now)
    {
        if (maxAge is not { } age)
        {
            return 0;
        }
        var from = 0;
        while (from < files.Count - 1 && now - files[from].LastWritten > age)
        {
            from++;
        }
        return from;
    }

    private static string DescribeCap(BinlogRetentionPolicy p) =>
        string.Join(" and ", new[]
        {
            p.MaxBytes is { } b ? $"at most {ByteText.Format(b)}" : null,
            p.MaxAge is { } a ? string.Create(CultureInfo.InvariantCulture, $"at most {a.TotalHours:0.##} h old") : null,
        }.Where(s => s is not null).DefaultIfEmpty("none"));
}
