using Keel.MySql.Tests.Fixtures;

namespace Keel.MySql.Tests;

[Collection(SharedServerCollection.Name)]
public sealed class QueryTests(SharedServerFixture fixture)
{
    [Fact]
    public async Task A_select_returns_nulls_numbers_and_several_rows()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        var r = await c.QueryAsync("SELECT 1 AS id, NULL AS nothing, 'x' AS txt, 2.50 AS num UNION ALL SELECT 2, 7, '', -3.25");

        Assert.Equal(["id", "nothing", "txt", "num"], r.Columns);
        Assert.Equal(2, r.Rows.Count);
        Assert.Equal("1", r.Rows[0]["id"]);
        Assert.Null(r.Rows[0]["nothing"]);
        Assert.Equal("x", r.Rows[0]["TXT"]);
        Assert.Equal("2.50", r.Rows[0][3]);
        Assert.Equal("7", r.Rows[1]["nothing"]);
        Assert.Equal("", r.Rows[1]["txt"]);
        Assert.Equal("-3.25", r.Rows[1]["num"]);
        Assert.Equal(4, r.Rows[1].Count);
        Assert.Equal("1", r.Scalar());
    }

    [Fact]
    public async Task An_empty_result_keeps_its_columns_and_has_no_scalar()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        var r = await c.QueryAsync("SELECT 1 AS a, 2 AS b FROM DUAL WHERE 1 = 0");

        Assert.Equal(["a", "b"], r.Columns);
        Assert.Empty(r.Rows);
        Assert.Null(r.Scalar());
    }

    [Fact]
    public async Task A_null_scalar_is_null()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        Assert.Null((await c.QueryAsync("SELECT NULL")).Scalar());
    }

    [Fact]
    public async Task Looking_up_a_missing_column_names_it()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var row = (await c.QueryAsync("SELECT 1 AS present")).Rows[0];

        var ex = Assert.Throws<KeyNotFoundException>(() => row["absent"]);

        Assert.Contains("absent", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ddl_and_inserts_report_affected_rows_and_last_insert_id()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var db = "t_" + Guid.NewGuid().ToString("N")[..8];

        var created = await c.QueryAsync($"CREATE DATABASE {db}");
        await c.QueryAsync($"CREATE TABLE {db}.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20))");
        var batch = await c.QueryAsync($"INSERT INTO {db}.items (name) VALUES ('a'), ('b'), ('c')");
        var single = await c.QueryAsync($"INSERT INTO {db}.items (name) VALUES ('d')");
        var updated = await c.QueryAsync($"UPDATE {db}.items SET name = 'z' WHERE id <= 2");

        Assert.Equal(1ul, created.AffectedRows);
        Assert.Empty(created.Columns);
        Assert.Equal(3ul, batch.AffectedRows);
        Assert.Equal(1ul, batch.LastInsertId); // a multi-row insert reports its first generated id
        Assert.Equal(4ul, single.LastInsertId);
        Assert.Equal(2ul, updated.AffectedRows);
        Assert.Equal("4", (await c.QueryAsync($"SELECT COUNT(*) FROM {db}.items")).Scalar());
        await c.QueryAsync($"DROP DATABASE {db}");
    }

    [Fact]
    public async Task A_syntax_error_is_1064_and_the_connection_stays_usable()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => c.QueryAsync("SELEKT 1"));

        Assert.Equal(1064, ex.Code);
        Assert.Equal("42000", ex.SqlState);
        Assert.False(c.IsBroken);
        Assert.Equal("2", (await c.QueryAsync("SELECT 1 + 1")).Scalar());
    }

    [Fact]
    public async Task A_stored_procedure_result_is_returned_and_the_trailing_ok_drained()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var db = "p_" + Guid.NewGuid().ToString("N")[..8];
        await c.QueryAsync($"CREATE DATABASE {db}");
        await c.QueryAsync($"CREATE PROCEDURE {db}.two() BEGIN SELECT 42 AS answer; SELECT 43; END");

        var r = await c.QueryAsync($"CALL {db}.two()");

        Assert.Equal("42", r.Scalar());
        Assert.Equal("ok", (await c.QueryAsync("SELECT 'ok'")).Scalar());
        await c.QueryAsync($"DROP DATABASE {db}");
    }

    [Fact]
    public async Task Quoted_text_round_trips_through_the_server()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var nasty = "it's a \\ \"test\" \0 with\nnewlines\r, ctrl-z \x1a and ünïcødé ✓ 🐬";

        Assert.Equal(nasty, (await c.QueryAsync($"SELECT {MySqlText.Quote(nasty)}")).Scalar());
    }

    [Fact]
    public async Task A_multi_megabyte_result_of_many_rows_is_read_completely()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        var r = await c.QueryAsync("SELECT seq, REPEAT(CHAR(65 + seq % 26), 2000) AS filler FROM mysql.seq_1_to_3000");

        Assert.Equal(3000, r.Rows.Count);
        Assert.Equal("3000", r.Rows[^1]["seq"]);
        Assert.All(r.Rows, row => Assert.Equal(2000, row["filler"]!.Length));
    }

    [Fact]
    public async Task A_row_larger_than_16_MB_arrives_in_several_packets()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        const int size = (17 * 1024 * 1024) + 3;

        var r = await c.QueryAsync($"SELECT REPEAT('a', {size}) AS big, 'after' AS tail", timeout: TimeSpan.FromSeconds(30));

        var big = r.Rows[0]["big"]!;
        Assert.Equal(size, big.Length);
        Assert.True(big.All(ch => ch == 'a'));
        Assert.Equal("after", r.Rows[0]["tail"]);
        Assert.Equal("still in step", (await c.QueryAsync("SELECT 'still in step'")).Scalar());
    }

    [Fact]
    public async Task A_query_larger_than_16_MB_is_sent_in_several_packets()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var literal = new string('b', (16 * 1024 * 1024) + 100);

        var length = (await c.QueryAsync($"SELECT LENGTH('{literal}')", timeout: TimeSpan.FromSeconds(30))).Scalar();

        Assert.Equal(literal.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), length);
    }
}
