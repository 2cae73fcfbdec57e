namespace Keel.Core.Checksum;

/// <summary>
/// The rows of one chunk: keys after <see cref="After"/> (exclusive) up to <see cref="UpTo"/> (inclusive), by the
/// table's integer primary key <see cref="Key"/>. The first chunk has no lower bound and the last no upper one, so
/// rows written beyond the boundaries seen when the chunk was planned are still checked (pt-table-checksum's open
/// ends). Without a key the chunk is the whole table. Bounds stay the server's own text: integers only, checked on
/// the way in, so they go into SQL unquoted and an unsigned BIGINT past long's range needs no special case.
/// </summary>
public sealed record ChunkRange(string? Key, string? After, string? UpTo)
{
    /// <summary>The whole table, for tables without a single-column integer primary key.</summary>
    public static readonly ChunkRange WholeTable = new(null, null, null);

    /// <summary>A chunk by <paramref name="key"/>; throws when a bound is not an integer (it is pasted into SQL).</summary>
    public static ChunkRange ByKey(string key, string? after, string? upTo)
    {
        foreach (var bound in new[] { after, upTo })
        {
            if (bound is not null && !IsInteger(bound))
            {
                throw new ArgumentException($"chunk bound '{bound}' is not an integer");
            }
        }
        return new ChunkRange(key, after, upTo);
    }

    public static bool IsInteger(string text) =>
        text.Length is > 0 and <= 21 && (text[0] == '-' ? text.Length > 1 && text[1..].All(char.IsAsciiDigit) : text.All(char.IsAsciiDigit));

    /// <summary>The SQL condition selecting the chunk's rows; <paramref name="quotedKey"/> is the key as an identifier.</summary>
    public string Where(string quotedKey) => (After, UpTo) switch
    {
        _ when Key is null => "1=1",
        (null, null) => "1=1",
        (null, { } up) => $"{quotedKey} <= {up}",
        ({ } after, null) => $"{quotedKey} > {after}",
        ({ } after, { } up) => $"{quotedKey} > {after} AND {quotedKey} <= {up}",
    };

    /// <summary>For people: "whole table", "id <= 1000", "1000 < id <= 2000", "id > 2000".</summary>
    public string Describe() => (Key, After, UpTo) switch
    {
        (null, _, _) => "whole table",
        (_, null, null) => "all rows",
        ({ } k, null, { } up) => $"{k} <= {up}",
        ({ } k, { } after, null) => $"{k} > {after}",
        ({ } k, { } after, { } up) => $"{after} < {k} <= {up}",
    };
}
