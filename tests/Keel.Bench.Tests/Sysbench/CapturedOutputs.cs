namespace Keel.Bench.Tests.Sysbench;

/// <summary>
/// Verbatim sysbench 1.0.20 outputs (stdout and stderr together) captured on the dev machine against
/// MariaDB 10.11, with --report-interval=0 --percentile=95.
/// </summary>
internal static class CapturedOutputs
{
    /// <summary>A completed 3 s oltp_read_write run, 4 threads, 2 tables x 1000 rows (7 deadlocks ignored).</summary>
    public const string ReadWrite = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 4
        Initializing random number generator from current time


        Initializing worker threads...

        Threads started!

        SQL statistics:
            queries performed:
                read:                            27440
                write:                           7824
                other:                           3913
                total:                           39177
            transactions:                        1953   (649.24 per sec.)
            queries:                             39177  (13023.74 per sec.)
            ignored errors:                      7      (2.33 per sec.)
            reconnects:                          0      (0.00 per sec.)

        General statistics:
            total time:                          3.0076s
            total number of events:              1953

        Latency (ms):
                 min:                                    1.87
                 avg:                                    6.15
                 max:                                   21.71
                 95th percentile:                       10.65
                 sum:                                12010.29

        Threads fairness:
            events (avg/stddev):           488.2500/43.17
            execution time (avg/stddev):   3.0026/0.00

        """;

    /// <summary>A completed 2 s oltp_write_only run, 2 threads.</summary>
    public const string WriteOnly = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 2
        Initializing random number generator from current time


        Initializing worker threads...

        Threads started!

        SQL statistics:
            queries performed:
                read:                            0
                write:                           7960
                other:                           3981
                total:                           11941
            transactions:                        1989   (993.18 per sec.)
            queries:                             11941  (5962.56 per sec.)
            ignored errors:                      3      (1.50 per sec.)
            reconnects:                          0      (0.00 per sec.)

        General statistics:
            total time:                          2.0019s
            total number of events:              1989

        Latency (ms):
                 min:                                    0.51
                 avg:                                    2.01
                 max:                                   23.81
                 95th percentile:                        4.33
                 sum:                                 3994.33

        Threads fairness:
            events (avg/stddev):           994.5000/55.50
            execution time (avg/stddev):   1.9972/0.00

        """;

    /// <summary>A completed 2 s oltp_read_only run, 2 threads.</summary>
    public const string ReadOnly = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 2
        Initializing random number generator from current time


        Initializing worker threads...

        Threads started!

        SQL statistics:
            queries performed:
                read:                            13076
                write:                           0
                other:                           1868
                total:                           14944
            transactions:                        934    (465.67 per sec.)
            queries:                             14944  (7450.76 per sec.)
            ignored errors:                      0      (0.00 per sec.)
            reconnects:                          0      (0.00 per sec.)

        General statistics:
            total time:                          2.0051s
            total number of events:              934

        Latency (ms):
                 min:                                    0.83
                 avg:                                    4.28
                 max:                                   16.50
                 95th percentile:                        8.13
                 sum:                                 3997.42

        Threads fairness:
            events (avg/stddev):           467.0000/12.00
            execution time (avg/stddev):   1.9987/0.00

        """;

    /// <summary>oltp_read_write, 4 threads: mariadbd SIGKILLed 2 s into a 10 s run; exit code 1, no summary.</summary>
    public const string ServerKilled = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 4
        Initializing random number generator from current time


        Initializing worker threads...

        Threads started!

        FATAL: mysql_stmt_execute() returned error 2013 (Lost connection to server during query) for query 'SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c'
        FATAL: `thread_run' function failed: /usr/share/sysbench/oltp_common.lua:432: SQL error, errno = 2013, state = 'HY000': Lost connection to server during query
        FATAL: mysql_stmt_execute() returned error 2013 (Lost connection to server during query) for query 'SELECT c FROM sbtest2 WHERE id BETWEEN ? AND ? ORDER BY c'
        FATAL: `thread_run' function failed: /usr/share/sysbench/oltp_common.lua:432: SQL error, errno = 2013, state = 'HY000': Lost connection to server during query
        FATAL: mysql_stmt_execute() returned error 2013 (Lost connection to server during query) for query 'COMMIT'
        FATAL: `thread_run' function failed: /usr/share/sysbench/oltp_common.lua:409: SQL error, errno = 2013, state = 'HY000': Lost connection to server during query
        FATAL: mysql_stmt_execute() returned error 2013 (Lost connection to server during query) for query 'SELECT c FROM sbtest2 WHERE id BETWEEN ? AND ? ORDER BY c'
        FATAL: `thread_run' function failed: /usr/share/sysbench/oltp_common.lua:432: SQL error, errno = 2013, state = 'HY000': Lost connection to server during query
        """;

    /// <summary>Nothing listening on the port; exit code 1.</summary>
    public const string ConnectionRefused = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 2
        Initializing random number generator from current time


        Initializing worker threads...

        FATAL: unable to connect to MySQL server on host '127.0.0.1', port 1, aborting...
        FATAL: error 2002: Can't connect to server on '127.0.0.1' (115)
        FATAL: `thread_init' function failed: /usr/share/sysbench/oltp_common.lua:349: connection creation failed
        FATAL: unable to connect to MySQL server on host '127.0.0.1', port 1, aborting...
        FATAL: error 2002: Can't connect to server on '127.0.0.1' (115)
        FATAL: `thread_init' function failed: /usr/share/sysbench/oltp_common.lua:349: connection creation failed
        FATAL: Thread initialization failed!
        """;

    /// <summary>Wrong password; exit code 1.</summary>
    public const string AccessDenied = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 2
        Initializing random number generator from current time


        Initializing worker threads...

        FATAL: unable to connect to MySQL server on host '127.0.0.1', port 33999, aborting...
        FATAL: error 1045: Access denied for user 'sb'@'127.0.0.1' (using password: YES)
        FATAL: `thread_init' function failed: /usr/share/sysbench/oltp_common.lua:349: connection creation failed
        FATAL: unable to connect to MySQL server on host '127.0.0.1', port 33999, aborting...
        FATAL: error 1045: Access denied for user 'sb'@'127.0.0.1' (using password: YES)
        FATAL: `thread_init' function failed: /usr/share/sysbench/oltp_common.lua:349: connection creation failed
        FATAL: Thread initialization failed!
        """;

    /// <summary>--tables=5 against 2 prepared tables; exit code 1.</summary>
    public const string MissingTable = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 2
        Initializing random number generator from current time


        Initializing worker threads...

        FATAL: mysql_stmt_prepare() failed
        FATAL: MySQL error: 1146 "Table 'sbtest.sbtest3' doesn't exist"
        FATAL: mysql_stmt_prepare() failed
        FATAL: MySQL error: 1146 "Table 'sbtest.sbtest3' doesn't exist"
        FATAL: `thread_init' function failed: /usr/share/sysbench/oltp_common.lua:284: SQL API error
        (last message repeated 1 times)
        FATAL: Thread initialization failed!
        """;

    /// <summary>oltp_write_only against a server with read_only=ON (a demoted primary); exit code 1.</summary>
    public const string ReadOnlyServer = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Running the test with following options:
        Number of threads: 2
        Initializing random number generator from current time


        Initializing worker threads...

        Threads started!

        FATAL: mysql_stmt_execute() returned error 1290 (The MariaDB server is running with the --read-only option so it cannot execute this statement) for query 'UPDATE sbtest2 SET k=k+1 WHERE id=?'
        (last message repeated 1 times)
        FATAL: `thread_run' function failed: /usr/share/sysbench/oltp_common.lua:458: SQL error, errno = 1290, state = 'HY000': The MariaDB server is running with the --read-only option so it cannot execute this statement
        """;

    /// <summary>A successful prepare of 2 tables x 1000 rows; exit code 0, no run summary.</summary>
    public const string Prepare = """
        sysbench 1.0.20 (using system LuaJIT 2.1.0-beta3)

        Creating table 'sbtest1'...
        Inserting 1000 records into 'sbtest1'
        Creating a secondary index on 'sbtest1'...
        Creating table 'sbtest2'...
        Inserting 1000 records into 'sbtest2'
        Creating a secondary index on 'sbtest2'...
        """;
}
