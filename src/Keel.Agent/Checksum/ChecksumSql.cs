using System.Globalization;
using Keel.Core.Checksum;
using Keel.MySql;

namespace Keel.Agent.Checksum;

/// <summary>The statements of a checksum run (pt-table-checksum's, adapted): one place for their text.</summary>
internal static class ChecksumSql
{
    public const string Schema = "keel_checksum";
    public const string Table = "keel_checksum.checksums";

    /// <summary>Schemas never checked: the server's own (they legitimately differ per member) and the results' table.</summary>
    private static readonly string[] Skipped = ["mysql", "information_schema", "performance_schema", "sys", Schema];

    private static readonly string[] IntegerTypes = ["tinyint", "smallint", "mediumint", "int", "bigint"];

    /// <summary>
    /// The run's statements go to the binlog as statements, so each replica runs the SELECT on its own data at the
    /// same point of the stream; REPEATABLE READ because InnoDB refuses statement logging under READ COMMITTED. A
    /// short lock wait: a chunk waiting on application writes gives up and is retried rather than hold them up.
    /// </summary>
    public static readonly string[] Session =
    [
        "SET SESSION binlog_format = 'STATEMENT'",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SET SESSION innodb_lock_wait_timeout = 2",
    ];

    public static readonly string[] Create =
    [
        $"CREATE DATABASE IF NOT EXISTS {Schema}",
        $"""
        CREATE TABLE IF NOT EXISTS {Table} (
          run VARCHAR(64) NOT NULL,
          db VARCHAR(64) NOT NULL,
          tbl VARCHAR(64) NOT NULL,
          chunk INT NOT NULL,
          chunk_index VARCHAR(64) NULL,
          lower_boundary VARCHAR(32) NULL,
          upper_boundary VARCHAR(32) NULL,
          this_crc VARCHAR(40) NOT NULL,
          this_cnt BIGINT NOT NULL,
          master_crc VARCHAR(40) NULL,
          master_cnt BIGINT NULL,
          ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
          PRIMARY KEY (run, db, tbl, chunk)
        ) ENGINE=InnoDB
        """,
    ];

    /// <summary>Earlier runs' rows go after a week: long enough to compare by hand, short enough not to pile up.</summary>
    public static string ForgetOldRuns(string run) => $"DELETE FROM {Table} WHERE run <> {MySqlText.Quote(run)} AND ts < NOW() - INTERVAL 7 DAY";

    public static readonly string Tables =
        "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ("
        + string.Join(", ", Skipped.Select(MySqlText.Quote)) + ") ORDER BY TABLE_SCHEMA, TABLE_NAME";

    public static string Columns(string db, string table) =>
        $"SELECT COLUMN_NAME, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {MySqlText.Quote(db)} AND TABLE_NAME = {MySqlText.Quote(table)} ORDER BY ORDINAL_POSITION";

    public static string PrimaryKey(string db, string table) =>
        $"""
        SELECT s.COLUMN_NAME, c.DATA_TYPE FROM information_schema.STATISTICS s
        JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
        WHERE s.TABLE_SCHEMA = {MySqlText.Quote(db)} AND s.TABLE_NAME = {MySqlText.Quote(table)} AND s.INDEX_NAME = 'PRIMARY'
        """;

    public static bool IsIntegerType(string dataType) => IntegerTypes.Contains(dataType, StringComparer.OrdinalIgnoreCase);

    /// <summary>The key closing the next chunk of <paramref name="rows"/> after <paramref name="after"/> (null: first chunk); no row means the rest is the last chunk.</summary>
    public static string NextBoundary(string db, string table, string key, string? after, int rows) =>
        string.Create(CultureInfo.InvariantCulture,
            $"SELECT {Id(key)} FROM {Id(db)}.{Id(table)} WHERE {ChunkRange.ByKey(key, after, null).Where(Id(key))} ORDER BY {Id(key)} LIMIT 1 OFFSET {rows - 1}");

    /// <summary>
    /// The chunk's count and checksum into the results' table, computed by whoever runs the statement: the primary
    /// now, each replica when it applies it. A row's CRC covers every column with '#' between them plus which were
    /// NULL (CONCAT_WS skips NULLs, so NULL and '' would otherwise look alike); BIT_XOR makes the order of rows irrelevant.
    /// </summary>
    public static string Checksum(string run, string db, string table, int chunk, ChunkRange range, IReadOnlyList<(string Name, bool Nullable)> columns)
    {
        var values = columns.Select(c => Id(c.Name)).ToList();
        var nullable = columns.Where(c => c.Nullable).Select(c => $"ISNULL({Id(c.Name)})").ToList();
        if (nullable.Count > 0)
        {
            values.Add($"CONCAT({string.Join(", ", nullable)})");
        }
        var crc = $"COALESCE(LOWER(CONV(BIT_XOR(CAST(CRC32(CONCAT_WS('#', {string.Join(", ", values)})) AS UNSIGNED)), 10, 16)), 0)";
        return string.Create(CultureInfo.InvariantCulture, $"""
            REPLACE INTO {Table} (run, db, tbl, chunk, chunk_index, lower_boundary, upper_boundary, this_cnt, this_crc)
            SELECT {MySqlText.Quote(run)}, {MySqlText.Quote(db)}, {MySqlText.Quote(table)}, {chunk}, {Literal(range.Key)}, {Literal(range.After)}, {Literal(range.UpTo)}, COUNT(*), {crc}
            FROM {Id(db)}.{Id(table)} WHERE {range.Where(range.Key is null ? "" : Id(range.Key))}
            """);
    }

    public static string ReadBack(string run, string db, string table, int chunk) =>
        string.Create(CultureInfo.InvariantCulture, $"SELECT this_cnt, this_crc FROM {Table} WHERE {Chunk(run, db, table, chunk)}");

    /// <summary>The primary's values as literals: a replica keeps them beside its own.</summary>
    public static string PrimaryValues(string run, string db, string table, int chunk, string count, string crc) =>
        string.Create(CultureInfo.InvariantCulture, $"UPDATE {Table} SET master_cnt = {long.Parse(count, CultureInfo.InvariantCulture)}, master_crc = {MySqlText.Quote(crc)} WHERE {Chunk(run, db, table, chunk)}");

    public static string ChunksOf(string run) => $"SELECT COUNT(*) FROM {Table} WHERE run = {MySqlText.Quote(run)}";

    public static string Differing(string run) =>
        $"""
        SELECT db, tbl, chunk, chunk_index, lower_boundary, upper_boundary, this_cnt, this_crc, master_cnt, master_crc FROM {Table}
        WHERE run = {MySqlText.Quote(run)} AND (master_cnt IS NULL OR master_crc IS NULL OR this_cnt <> master_cnt OR this_crc <> master_crc)
        ORDER BY db, tbl, chunk
        """;

    public static string Id(string name) => MySqlText.Identifier(name);

    private static string Literal(string? value) => value is null ? "NULL" : MySqlText.Quote(value);

    private static string Chunk(string run, string db, string table, int chunk) =>
        string.Create(CultureInfo.InvariantCulture, $"run = {MySqlText.Quote(run)} AND db = {MySqlText.Quote(db)} AND tbl = {MySqlText.Quote(table)} AND chunk = {chunk}");
}
