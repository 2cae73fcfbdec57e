namespace Keel.MySql.Tests;

public sealed class MySqlResultTests
{
    [Fact]
    public void A_hand_built_row_supports_lookup_by_index_and_name()
    {
        var row = new MySqlRow(["Id", "Name"], ["1", null]);

        Assert.Equal(2, row.Count);
        Assert.Equal("1", row["id"]);
        Assert.Null(row[1]);
        Assert.Throws<KeyNotFoundException>(() => row["missing"]);
    }

    [Fact]
    public void A_row_needs_one_value_per_column()
    {
        Assert.Throws<ArgumentException>(() => new MySqlRow(["a", "b"], ["1"]));
    }

    [Fact]
    public void Scalar_is_null_without_rows()
    {
        Assert.Null(new MySqlResult([], [], 3, 0).Scalar());
        Assert.Equal("x", new MySqlResult(["c"], [new MySqlRow(["c"], ["x"])], 0, 0).Scalar());
    }
}
