namespace Keel.MySql;

/// <summary>Name to ordinal map built once per result set and shared by its rows.</summary>
internal sealed class ColumnIndex
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyList<string> _names;

    public ColumnIndex(IReadOnlyList<string> names)
    {
        _names = names;
        for (var i = 0; i < names.Count; i++)
        {
            // Duplicate names (SELECT a.id, b.id) resolve to the first, as most drivers do.
            _byName.TryAdd(names[i], i);
        }
    }

    public int IndexOf(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return _byName.TryGetValue(column, out var i)
            ? i
            : throw new KeyNotFoundException(
                $"Column '{column}' is not in the result (columns: {string.Join(", ", _names)}).");
    }
}
