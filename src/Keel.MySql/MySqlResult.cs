namespace Keel.MySql;

/// <summary>
/// Everything a statement returned. Values stay text (the text protocol's own form) so that callers
/// parse exactly the columns they care about, with the culture-invariant parsing they choose.
/// </summary>
public sealed record MySqlResult(
    IReadOnlyList<string> Columns,
    IReadOnlyList<MySqlRow> Rows,
    ulong AffectedRows,
    ulong LastInsertId)
{
    /// <summary>First column of the first row; null when there is no row or the value is NULL.</summary>
    public string? Scalar() => Rows.Count > 0 && Rows[0].Count > 0 ? Rows[0][0] : null;
}
