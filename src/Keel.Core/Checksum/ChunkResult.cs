namespace Keel.Core.Checksum;

/// <summary>
/// One chunk's row in keel_checksum.checksums as one member holds it: <see cref="Count"/>/<see cref="Crc"/> computed
/// on that member's own data (the statement replicated as a statement), <see cref="PrimaryCount"/>/<see cref="PrimaryCrc"/>
/// the primary's values, written as literals after it (null when that write has not arrived).
/// </summary>
public sealed record ChunkResult(string Db, string Table, int Chunk, ChunkRange Range, long Count, string Crc, long? PrimaryCount, string? PrimaryCrc)
{
    public string QualifiedTable => $"{Db}.{Table}";

    public ChunkVerdict Verdict =>
        PrimaryCount is null || PrimaryCrc is null ? ChunkVerdict.NoPrimaryValues
        : Count != PrimaryCount ? ChunkVerdict.RowCountDiffers
        : !string.Equals(Crc, PrimaryCrc, StringComparison.OrdinalIgnoreCase) ? ChunkVerdict.ContentDiffers
        : ChunkVerdict.Same;
}

public enum ChunkVerdict
{
    Same,
    /// <summary>Other rows, or missing/extra ones: the counts differ.</summary>
    RowCountDiffers,
    /// <summary>As many rows, but some column differs.</summary>
    ContentDiffers,
    /// <summary>The primary's values for the chunk never arrived (replication filtered or broke it).</summary>
    NoPrimaryValues,
}
