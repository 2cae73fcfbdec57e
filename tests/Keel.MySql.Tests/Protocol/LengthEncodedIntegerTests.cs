using Keel.MySql.Protocol;

namespace Keel.MySql.Tests.Protocol;

public sealed class LengthEncodedIntegerTests
{
    public static TheoryData<byte[], ulong> Encodings => new()
    {
        { new byte[] { 0x00 }, 0ul },
        { new byte[] { 0xFA }, 250ul },
        { new byte[] { 0xFC, 0xFB, 0x00 }, 251ul },
        { new byte[] { 0xFC, 0xFF, 0xFF }, 65_535ul },
        { new byte[] { 0xFD, 0x00, 0x00, 0x01 }, 65_536ul },
        { new byte[] { 0xFD, 0xFF, 0xFF, 0xFF }, 16_777_215ul },
        { new byte[] { 0xFE, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00 }, 16_777_216ul },
        { new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, ulong.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Each_prefix_width_decodes_little_endian(byte[] encoded, ulong expected)
    {
        var r = new PayloadReader(encoded);

        Assert.Equal(expected, r.ReadLengthEncodedIntOrNull());
        Assert.True(r.AtEnd);
    }

    [Fact]
    public void Byte_0xFB_is_sql_null()
    {
        var r = new PayloadReader([0xFB, 0x01]);

        Assert.Null(r.ReadLengthEncodedIntOrNull());
        Assert.Equal(1, r.Remaining);
    }

    [Fact]
    public void Byte_0xFF_is_a_protocol_violation()
    {
        Assert.Throws<MalformedPacketException>(() => new PayloadReader([0xFF]).ReadLengthEncodedIntOrNull());
    }

    [Fact]
    public void A_truncated_integer_is_a_protocol_violation()
    {
        Assert.Throws<MalformedPacketException>(() => new PayloadReader([0xFD, 0x01]).ReadLengthEncodedIntOrNull());
    }

    [Fact]
    public void Length_encoded_strings_decode_utf8_and_null()
    {
        byte[] payload = [0x03, (byte)'a', 0xC3, 0xA9, 0xFB, 0x00];
        var r = new PayloadReader(payload);

        Assert.Equal("aé", r.ReadLengthEncodedStringOrNull());
        Assert.Null(r.ReadLengthEncodedStringOrNull());
        Assert.Equal("", r.ReadLengthEncodedStringOrNull());
        Assert.True(r.AtEnd);
    }

    [Fact]
    public void A_string_longer_than_its_packet_is_a_protocol_violation()
    {
        Assert.Throws<MalformedPacketException>(() => new PayloadReader([0x05, 0x41]).ReadLengthEncodedStringOrNull());
    }
}
