using System.Globalization;
using System.Text;
using Driver = MySqlConnector;

namespace Keel.MySql;

/// <summary>
/// Turns a value MySqlConnector parsed back into the text MariaDB's text protocol sent for it, which is
/// what Keel's rows have always held: callers parse the columns they need, culture-invariantly.
/// </summary>
internal static class TextValue
{
    // MariaDB marks "no fixed number of decimals" with a decimals byte this large (NOT_FIXED_DEC is 31 or 39).
    private const int NotFixedDecimals = 31;

    /// <summary>How one column's values are rendered; decided once per result set.</summary>
    public sealed record Column(Driver.MySqlDbType Type, int Decimals, int Size);

    public static Column Describe(System.Data.Common.DbColumn column) =>
        column is Driver.MySqlDbColumn my
            ? new Column(my.ProviderType, my.NumericScale ?? 0, my.ColumnSize ?? 0)
            : new Column(Driver.MySqlDbType.VarString, 0, 0);

    public static string? Read(Driver.MySqlDataReader reader, int ordinal, Column column)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        switch (column.Type)
        {
            case Driver.MySqlDbType.Decimal or Driver.MySqlDbType.NewDecimal:
                // The original digits: a DECIMAL(65) does not fit System.Decimal, and the scale must survive ("2.50").
                return reader.GetMySqlDecimal(ordinal).ToString();
            case Driver.MySqlDbType.Date or Driver.MySqlDbType.Newdate:
                return Date(reader.GetMySqlDateTime(ordinal));
            case Driver.MySqlDbType.DateTime or Driver.MySqlDbType.Timestamp:
                var dt = reader.GetMySqlDateTime(ordinal);
                return Date(dt) + " " + Clock(dt.Hour, dt.Minute, dt.Second) + Fraction(dt.Microsecond, column.Decimals);
            case Driver.MySqlDbType.Time:
                return Time(reader.GetTimeSpan(ordinal), column.Decimals);
            case Driver.MySqlDbType.Bit:
                return Bits(reader.GetUInt64(ordinal), column.Size);
            case Driver.MySqlDbType.Double or Driver.MySqlDbType.Float:
                return Floating(reader.GetDouble(ordinal), column);
        }

        return reader.GetValue(ordinal) switch
        {
            string s => s,
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString(),
        };
    }

    private static string Date(Driver.MySqlDateTime dt) =>
        string.Create(CultureInfo.InvariantCulture, $"{dt.Year:0000}-{dt.Month:00}-{dt.Day:00}");

    private static string Clock(int hours, int minutes, int seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{hours:00}:{minutes:00}:{seconds:00}");

    /// <summary>MariaDB prints exactly the column's fractional digits: DATETIME(3) gives ".500", DATETIME gives none.</summary>
    private static string Fraction(int microseconds, int decimals)
    {
        var digits = Math.Min(decimals, 6);
        if (digits <= 0)
        {
            return "";
        }

        return "." + microseconds.ToString("000000", CultureInfo.InvariantCulture)[..digits];
    }

    /// <summary>TIME spans -838:59:59 to 838:59:59: total hours, not days.</summary>
    private static string Time(TimeSpan value, int decimals)
    {
        var sign = value < TimeSpan.Zero ? "-" : "";
        var abs = value.Duration();
        var micros = (int)(abs.Ticks % TimeSpan.TicksPerSecond / 10);
        return sign + Clock((int)abs.TotalHours, abs.Minutes, abs.Seconds) + Fraction(micros, decimals);
    }

    /// <summary>The text protocol sends BIT(n) as its raw big-endian bytes, one per started 8 bits.</summary>
    private static string Bits(ulong value, int bits)
    {
        var length = Math.Clamp((bits + 7) / 8, 1, 8);
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)value;
            value >>= 8;
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>
    /// Fixed decimals when the column has them (DOUBLE(10,2) gives "1.50"); otherwise the shortest form that
    /// round-trips, with MariaDB's exponent spelling ("1e20", "1.5e-7" rather than .NET's "1E+20", "1.5E-07").
    /// </summary>
    private static string Floating(double value, Column column)
    {
        if (column.Decimals is > 0 and < NotFixedDecimals)
        {
            return value.ToString("F" + column.Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        var text = column.Type == Driver.MySqlDbType.Float
            ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text[..e] + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}
