using Keel.Bench.Sysbench;

namespace Keel.Bench.Tests.Sysbench;

public sealed class SysbenchOutputParserTests
{
    [Fact]
    public void Parses_the_summary_of_a_read_write_run()
    {
        var figures = SysbenchOutputParser.Parse(CapturedOutputs.ReadWrite, SysbenchWorkloads.ReadWrite);

        Assert.Equal(new SysbenchFigures("oltp_read_write", 4, 3.0076, 649.24, 13023.74, 10.65, 7), figures);
    }

    [Fact]
    public void Parses_the_summary_of_a_write_only_run()
    {
        var figures = SysbenchOutputParser.Parse(CapturedOutputs.WriteOnly, SysbenchWorkloads.WriteOnly);

        Assert.Equal(new SysbenchFigures("oltp_write_only", 2, 2.0019, 993.18, 5962.56, 4.33, 3), figures);
    }

    [Fact]
    public void Parses_the_summary_of_a_read_only_run()
    {
        var figures = SysbenchOutputParser.Parse(CapturedOutputs.ReadOnly, SysbenchWorkloads.ReadOnly);

        Assert.Equal(new SysbenchFigures("oltp_read_only", 2, 2.0051, 465.67, 7450.76, 8.13, 0), figures);
    }

    [Fact]
    public void Parses_output_with_crlf_line_endings()
    {
        var figures = SysbenchOutputParser.Parse(CapturedOutputs.ReadWrite.Replace("\n", "\r\n", StringComparison.Ordinal), "oltp_read_write");

        Assert.Equal(649.24, figures.Tps);
        Assert.Equal(10.65, figures.P95LatencyMs);
    }

    [Theory]
    [InlineData(nameof(CapturedOutputs.ServerKilled))]
    [InlineData(nameof(CapturedOutputs.ConnectionRefused))]
    [InlineData(nameof(CapturedOutputs.AccessDenied))]
    [InlineData(nameof(CapturedOutputs.MissingTable))]
    [InlineData(nameof(CapturedOutputs.ReadOnlyServer))]
    [InlineData(nameof(CapturedOutputs.Prepare))]
    public void Output_without_a_summary_is_a_format_error(string captured)
    {
        var ex = Assert.Throws<FormatException>(() => SysbenchOutputParser.Parse(Captured(captured), "oltp_read_write"));

        Assert.Contains("summary line", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_summary_cut_off_before_the_latency_block_is_a_format_error()
    {
        var cut = CapturedOutputs.ReadWrite[..CapturedOutputs.ReadWrite.IndexOf("Latency (ms):", StringComparison.Ordinal)];

        var ex = Assert.Throws<FormatException>(() => SysbenchOutputParser.Parse(cut, "oltp_read_write"));

        Assert.Contains("95th percentile", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(CapturedOutputs.ServerKilled), 2013, "mysql_stmt_execute() returned error 2013 (Lost connection to server during query)")]
    [InlineData(nameof(CapturedOutputs.ConnectionRefused), 2002, "error 2002: Can't connect to server on '127.0.0.1' (115)")]
    [InlineData(nameof(CapturedOutputs.AccessDenied), 1045, "error 1045: Access denied for user 'sb'@'127.0.0.1'")]
    [InlineData(nameof(CapturedOutputs.MissingTable), 1146, "MySQL error: 1146 \"Table 'sbtest.sbtest3' doesn't exist\"")]
    [InlineData(nameof(CapturedOutputs.ReadOnlyServer), 1290, "mysql_stmt_execute() returned error 1290 (The MariaDB server is running with the --read-only option")]
    public void A_failed_run_names_its_cause_and_error_number(string captured, int errorCode, string causeStart)
    {
        var output = Captured(captured);

        Assert.Equal(errorCode, SysbenchOutputParser.MySqlErrorCode(output));
        Assert.StartsWith(causeStart, SysbenchOutputParser.Cause(output), StringComparison.Ordinal);
    }

    [Fact]
    public void A_fatal_line_without_an_error_number_is_still_the_cause()
    {
        const string output = "sysbench 1.0.20\nFATAL: Cannot find benchmark 'nope': no such built-in test, file or module\n";

        Assert.Equal("Cannot find benchmark 'nope': no such built-in test, file or module", SysbenchOutputParser.Cause(output));
        Assert.Null(SysbenchOutputParser.MySqlErrorCode(output));
    }

    [Fact]
    public void A_successful_run_has_no_cause()
    {
        Assert.Null(SysbenchOutputParser.Cause(CapturedOutputs.ReadWrite));
        Assert.Null(SysbenchOutputParser.MySqlErrorCode(CapturedOutputs.ReadWrite));
    }

    [Fact]
    public void Tail_keeps_the_last_non_blank_lines()
    {
        var tail = SysbenchOutputParser.Tail(CapturedOutputs.ServerKilled, 2);

        Assert.Equal(
            "FATAL: mysql_stmt_execute() returned error 2013 (Lost connection to server during query) for query 'SELECT c FROM sbtest2 WHERE id BETWEEN ? AND ? ORDER BY c'\n" +
            "FATAL: `thread_run' function failed: /usr/share/sysbench/oltp_common.lua:432: SQL error, errno = 2013, state = 'HY000': Lost connection to server during query",
            tail);
    }

    private static string Captured(string name) =>
        (string)typeof(CapturedOutputs).GetField(name)!.GetValue(null)!;
}
