using Keel.MySql.Tests.Fixtures;

namespace Keel.MySql.Tests;

/// <summary>
/// Typed columns come back as the text MariaDB's text protocol carries for them, though the driver parses
/// them into .NET types on the way: callers parse those strings and must not see a format change.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class ValueTextTests(SharedServerFixture fixture)
{
    [Fact]
    public async Task Dates_times_bits_numbers_and_binary_strings_read_as_the_servers_text()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var db = "v_" + Guid.NewGuid().ToString("N")[..8];
        await c.QueryAsync($"CREATE DATABASE {db}");
        await c.QueryAsync(
            $"CREATE TABLE {db}.v (d DATE, dt DATETIME, dt3 DATETIME(3), ts6 TIMESTAMP(6) NULL, t TIME, t2 TIME(2), b BIT(9), "
            + "tiny TINYINT(1), f FLOAT, dbl DOUBLE, fixed DOUBLE(10,2), big DECIMAL(40,10), bin VARBINARY(8), uid CHAR(36), "
            + "y YEAR, u BIGINT UNSIGNED, neg INT)");
        await c.QueryAsync(
            $"INSERT INTO {db}.v VALUES ('2024-02-29', '2024-02-29 23:59:58', '2024-02-29 23:59:58.5', '2024-02-29 23:59:58.000001', "
            + "'-838:59:59', '12:34:56.7', b'101000001', 1, 1.5, 1e20, 3.14159, '123456789012345678901234567890.0123456789', "
            + "'AB', '6ccd780c-baba-1026-9564-5b8c656024db', 2024, 18446744073709551615, -7)");

        var row = (await c.QueryAsync($"SELECT * FROM {db}.v")).Rows[0];

        Assert.Equal("2024-02-29", row["d"]);
        Assert.Equal("2024-02-29 23:59:58", row["dt"]);
        Assert.Equal("2024-02-29 23:59:58.500", row["dt3"]);
        Assert.Equal("2024-02-29 23:59:58.000001", row["ts6"]);
        Assert.Equal("-838:59:59", row["t"]);
        Assert.Equal("12:34:56.70", row["t2"]);
        Assert.Equal("\u0001A", row["b"]);
        Assert.Equal("1", row["tiny"]);
        Assert.Equal("1.5", row["f"]);
        Assert.Equal("1e20", row["dbl"]);
        Assert.Equal("3.14", row["fixed"]);
        Assert.Equal("123456789012345678901234567890.0123456789", row["big"]);
        Assert.Equal("AB", row["bin"]);
        Assert.Equal("6ccd780c-baba-1026-9564-5b8c656024db", row["uid"]);
        Assert.Equal("2024", row["y"]);
        Assert.Equal("18446744073709551615", row["u"]);
        Assert.Equal("-7", row["neg"]);
        await c.QueryAsync($"DROP DATABASE {db}");
    }

    [Fact]
    public async Task A_zero_datetime_reads_as_zeros_rather_than_failing()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var db = "z_" + Guid.NewGuid().ToString("N")[..8];
        await c.QueryAsync($"CREATE DATABASE {db}");
        await c.QueryAsync($"CREATE TABLE {db}.z (dt DATETIME, d DATE)");
        await c.QueryAsync("SET SESSION sql_mode = ''");
        await c.QueryAsync($"INSERT INTO {db}.z VALUES ('0000-00-00 00:00:00', '0000-00-00')");

        var row = (await c.QueryAsync($"SELECT dt, d FROM {db}.z")).Rows[0];

        Assert.Equal("0000-00-00 00:00:00", row["dt"]);
        Assert.Equal("0000-00-00", row["d"]);
        await c.QueryAsync($"DROP DATABASE {db}");
    }

    [Fact]
    public async Task User_variables_pass_through_as_sql_not_as_parameters()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        await c.QueryAsync("SET @keel_answer = 42");

        Assert.Equal("42", (await c.QueryAsync("SELECT @keel_answer")).Scalar());
    }

    [Fact]
    public async Task An_update_that_changes_nothing_reports_zero_affected_rows()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var db = "a_" + Guid.NewGuid().ToString("N")[..8];
        await c.QueryAsync($"CREATE DATABASE {db}");
        await c.QueryAsync($"CREATE TABLE {db}.t (id INT PRIMARY KEY, n INT)");
        await c.QueryAsync($"INSERT INTO {db}.t VALUES (1, 5), (2, 6)");

        var unchanged = await c.QueryAsync($"UPDATE {db}.t SET n = 5 WHERE id = 1");
        var changed = await c.QueryAsync($"UPDATE {db}.t SET n = 7");

        // Changed rows, not matched ones: the server's own count, as without CLIENT_FOUND_ROWS.
        Assert.Equal(0ul, unchanged.AffectedRows);
        Assert.Equal(2ul, changed.AffectedRows);
        await c.QueryAsync($"DROP DATABASE {db}");
    }

    [Fact]
    public async Task SHOW_SLAVE_STATUS_values_are_found_by_name_with_NULL_as_null()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Root);

        // A source that is configured but never started: a status row, and no connection attempt.
        await c.QueryAsync("CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = 3999, MASTER_USER = 'nobody', MASTER_USE_GTID = slave_pos");
        try
        {
            var row = Assert.Single((await c.QueryAsync("SHOW SLAVE STATUS")).Rows);

            Assert.Equal("127.0.0.1", row["Master_Host"]);
            Assert.Equal("3999", row["master_port"]);
            Assert.Equal("No", row["Slave_IO_Running"]);
            Assert.Equal("Slave_Pos", row["Using_Gtid"]);
            Assert.Null(row["Seconds_Behind_Master"]);
            Assert.Equal("", row["Last_IO_Error"]);
        }
        finally
        {
            await c.QueryAsync("RESET SLAVE ALL");
        }
    }
}
