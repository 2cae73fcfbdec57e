namespace Keel.MySql.Tests;

public sealed class MySqlTextTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("", "''")]
    [InlineData("it's", "'it''s'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData("nul\0byte", @"'nul\0byte'")]
    [InlineData("two\nlines\r", @"'two\nlines\r'")]
    [InlineData(@"\'; DROP TABLE x; --", @"'\\''; DROP TABLE x; --'")]
    public void Quote_escapes_quotes_backslashes_and_control_bytes(string value, string expected)
    {
        Assert.Equal(expected, MySqlText.Quote(value));
    }

    [Fact]
    public void Quote_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => MySqlText.Quote(null!));
    }
}
