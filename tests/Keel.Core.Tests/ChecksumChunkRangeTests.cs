using Keel.Core.Checksum;

namespace Keel.Core.Tests;

/// <summary>Chunks by an integer primary key: open first and last chunks, the SQL condition and the description.</summary>
public sealed class ChecksumChunkRangeTests
{
    public sealed record Row(string Name, ChunkRange Range, string Where, string Described)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Row> Rows() =>
    [
        new("a table without a usable key is one chunk", ChunkRange.WholeTable, "1=1", "whole table"),
        new("a keyed table with a single chunk", ChunkRange.ByKey("id", null, null), "1=1", "all rows"),
        new("the first chunk has no lower bound", ChunkRange.ByKey("id", null, "1000"), "`id` <= 1000", "id <= 1000"),
        new("a middle chunk", ChunkRange.ByKey("id", "1000", "2000"), "`id` > 1000 AND `id` <= 2000", "1000 < id <= 2000"),
        new("the last chunk has no upper bound", ChunkRange.ByKey("id", "2000", null), "`id` > 2000", "id > 2000"),
        new("negative keys", ChunkRange.ByKey("k", "-5", "7"), "`k` > -5 AND `k` <= 7", "-5 < k <= 7"),
        new("an unsigned BIGINT past long's range", ChunkRange.ByKey("id", "18446744073709551000", null), "`id` > 18446744073709551000", "id > 18446744073709551000"),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Renders(Row row)
    {
        Assert.Equal(row.Where, row.Range.Where("`" + row.Range.Key + "`"));
        Assert.Equal(row.Described, row.Range.Describe());
    }

    [Theory]
    [InlineData("1 OR 1=1")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.5")]
    [InlineData("0x10")]
    public void A_bound_that_is_not_an_integer_is_refused_since_it_goes_into_SQL(string bound)
    {
        Assert.Throws<ArgumentException>(() => ChunkRange.ByKey("id", bound, null));
        Assert.Throws<ArgumentException>(() => ChunkRange.ByKey("id", null, bound));
    }

    [Theory]
    [InlineData("20261207-095626-ab12", true)]
    [InlineData("a.b_c-1", true)]
    [InlineData("", false)]
    [InlineData("x'; DROP TABLE t; --", false)]
    [InlineData("a/b", false)]
    public void Run_ids_are_plain(string id, bool valid) => Assert.Equal(valid, ChecksumRun.IsValidId(id));
}
