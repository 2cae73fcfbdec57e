using Keel.Core.Gtid;

namespace Keel.Core.Tests;

public class TruncatedTransactionsTests
{
    private const string Decoded = """
        # at 256
        #261204 23:20:01 server id 1  end_log_pos 299 CRC32 0x1f2e3d4c 	Gtid list [0-1-3]
        # at 299
        #261204 23:20:02 server id 1  end_log_pos 341 CRC32 0x11111111 	GTID 0-1-4 trans
        BEGIN
        #261204 23:20:02 server id 1  end_log_pos 500 CRC32 0x22222222 	Xid = 17
        # at 541
        #261204 23:20:03 server id 1  end_log_pos 583 CRC32 0x33333333 	GTID 0-1-5 trans
        #261204 23:20:03 server id 1  end_log_pos 700 CRC32 0x44444444 	GTID 0-1-6 ddl
        """;

    [Fact]
    public void The_gtids_past_the_position_after_recovery_are_the_truncated_ones_in_binlog_order()
    {
        Assert.Equal(["0-1-5", "0-1-6"], TruncatedTransactions.Find(Decoded, GtidPosition.Parse("0-1-4")).Select(g => g.ToString()));
        Assert.Empty(TruncatedTransactions.Find(Decoded, GtidPosition.Parse("0-1-6")));
        Assert.Equal(["0-1-4", "0-1-5", "0-1-6"], TruncatedTransactions.Find(Decoded, GtidPosition.Empty).Select(g => g.ToString()));
    }
}
