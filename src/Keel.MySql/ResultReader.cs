using Driver = MySqlConnector;

namespace Keel.MySql;

/// <summary>
/// Reads a statement's response into a <see cref="MySqlResult"/>: the first result (a result set, or the
/// OK's counts), with the rest drained so the connection stays in step (a CALL ends with an extra OK).
/// No cancellation token reaches the driver: cancelling one makes MySqlConnector open a second connection
/// for KILL QUERY synchronously inside the token's callback, which against a frozen server blocks whoever
/// cancels. Keel's deadline and the driver's command timeout bound these calls instead.
/// </summary>
internal static class ResultReader
{
    public static async Task<MySqlResult> ReadAsync(Driver.MySqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var first = reader.FieldCount == 0
            ? new MySqlResult([], [], Counted(reader.RecordsAffected), checked((ulong)Math.Max(0, command.LastInsertedId)))
            : await ReadRowsAsync(reader);

        while (await reader.NextResultAsync())
        {
            while (await reader.ReadAsync())
            {
            }
        }

        return first;
    }

    private static async Task<MySqlResult> ReadRowsAsync(Driver.MySqlDataReader reader)
    {
        var schema = await reader.GetColumnSchemaAsync();
        var names = new string[reader.FieldCount];
        var columns = new TextValue.Column[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = reader.GetName(i);
            columns[i] = TextValue.Describe(schema[i]);
        }

        var index = new ColumnIndex(names);
        var rows = new List<MySqlRow>();
        while (await reader.ReadAsync())
        {
            var values = new string?[names.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = TextValue.Read(reader, i, columns[i]);
            }

            rows.Add(new MySqlRow(values, index));
        }

        // As the old client: a result set's own counts are zero, whatever the driver sums up for the batch.
        return new MySqlResult(names, rows, 0, 0);
    }

    // The driver reports -1 when the statement changed nothing countable (e.g. a SET).
    private static ulong Counted(int recordsAffected) => recordsAffected < 0 ? 0 : (ulong)recordsAffected;
}
