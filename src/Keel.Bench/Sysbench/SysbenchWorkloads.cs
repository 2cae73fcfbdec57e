namespace Keel.Bench.Sysbench;

/// <summary>The OLTP scripts the bench runs; each is /usr/share/sysbench/&lt;name&gt;.lua.</summary>
public static class SysbenchWorkloads
{
    public const string ReadWrite = "oltp_read_write";
    public const string WriteOnly = "oltp_write_only";
    public const string ReadOnly = "oltp_read_only";

    public static IReadOnlyList<string> All { get; } = [ReadWrite, WriteOnly, ReadOnly];

    /// <summary>
    /// Only these three: any other script name would end up as a file path on sysbench's command line,
    /// and the parser is only verified against the OLTP summary format.
    /// </summary>
    public static void Validate(string workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (!All.Contains(workload, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown sysbench workload '{workload}'; expected one of {string.Join(", ", All)}", nameof(workload));
        }
    }
}
