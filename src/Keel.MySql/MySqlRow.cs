namespace Keel.MySql;

/// <summary>One result row; NULL is null. Column lookup by name shares one index with the other rows.</summary>
public sealed class MySqlRow
{
    private readonly string?[] _values;
    private readonly ColumnIndex _columns;

    /// <summary>
    /// Builds a standalone row, e.g. for fakes of <see cref="IMySqlConnection"/> in tests. Rows read
    /// from the server share one column index instead.
    /// </summary>
    public MySqlRow(IReadOnlyList<string> columns, IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (columns.Count != values.Count)
        {
            throw new ArgumentException($"{columns.Count} columns but {values.Count} values", nameof(values));
        }

        _values = [.. values];
        _columns = new ColumnIndex(columns);
    }

    internal MySqlRow(string?[] values, ColumnIndex columns)
    {
        _values = values;
        _columns = columns;
    }

    public string? this[int index] => _values[index];

    /// <summary>Case-insensitive, like SQL identifiers; throws <see cref="KeyNotFoundException"/> naming the column.</summary>
    public string? this[string column] => _values[_columns.IndexOf(column)];

    public int Count => _values.Length;
}
