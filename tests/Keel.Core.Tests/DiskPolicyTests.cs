using Keel.Core.Disk;

namespace Keel.Core.Tests;

public sealed class DiskPolicyTests
{
    private const long Gb = 1L << 30;

    [Theory]
    [InlineData("10%", 10.0, null)]
    [InlineData("2GB", null, 2 * Gb)]
    [InlineData("500MB", null, 500L << 20)]
    [InlineData("1.5G", null, 3 * Gb / 2)]
    [InlineData("4096", null, 4096L)]
    public void Thresholds_parse_as_a_share_or_a_size(string text, double? percent, long? bytes)
    {
        var (t, error) = DiskThreshold.Parse(text);
        Assert.Null(error);
        Assert.Equal(new DiskThreshold(percent, bytes), t);
    }

    [Theory]
    [InlineData("0%")]
    [InlineData("150%")]
    [InlineData("lots")]
    [InlineData("-5MB")]
    public void A_bad_threshold_is_named(string text)
    {
        var (t, error) = DiskThreshold.Parse(text);
        Assert.Null(t);
        Assert.Contains(text, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, 100, DiskLevel.Ok)]
    [InlineData(14, 100, DiskLevel.Low)]
    [InlineData(4, 100, DiskLevel.Critical)]
    public void Levels_follow_the_default_shares(long free, long total, DiskLevel level) =>
        Assert.Equal(level, DiskPolicy.Default.Classify(free * Gb, total * Gb));

    [Fact]
    public void A_size_threshold_is_absolute_and_the_worst_filesystem_decides()
    {
        var policy = new DiskPolicy(DiskThreshold.OfBytes(10 * Gb), DiskThreshold.OfBytes(2 * Gb));
        var data = new FilesystemSpace("data", "/d", 500 * Gb, 1000 * Gb, DiskLevel.Unknown);
        var binlog = new FilesystemSpace("binlog", "/b", Gb, 1000 * Gb, DiskLevel.Unknown);

        var disk = MemberDisk.Measure(policy, data, binlog);

        Assert.Equal(DiskLevel.Critical, disk.Level);
        Assert.Equal(DiskLevel.Ok, disk.Data.Level);
        Assert.StartsWith("binlog filesystem (/b) has 1 GB free of 1000 GB (0.1 %); warn below 10 GB, critical below 2 GB", disk.Describe(), StringComparison.Ordinal);
    }
}
