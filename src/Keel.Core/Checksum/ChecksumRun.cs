namespace Keel.Core.Checksum;

public enum ChecksumRunState
{
    Running,
    Done,
    Failed,
}

/// <summary>
/// A checksum run on the primary as its agent reports it: how far it is, and once done the primary's GTID position
/// after the last chunk, which every other member must reach before its results are read.
/// </summary>
public sealed record ChecksumRun(
    string Run,
    string Primary,
    ChecksumRunState State,
    IReadOnlyList<string> Tables,
    int TablesDone,
    int Chunks,
    string? CurrentTable,
    string? EndPosition,
    IReadOnlyList<string> Notes,
    string? Error)
{
    /// <summary>Run ids go into SQL literals and URLs: letters, digits, '-', '_' and '.', at most 64.</summary>
    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
