using System.Globalization;
using Keel.Bench.Sysbench;
using Keel.Core.Gtid;

namespace Keel.Bench;

/// <summary>
/// The large dataset the copy benchmarks (clone, backup) work on: sysbench tables of a million rows, prepared once
/// through the read-write endpoint and adopted by later runs, and the wait until every replica has applied it.
/// </summary>
public static class BenchDataset
{
    public const int RowsPerTable = 1_000_000;

    /// <summary>About what one sysbench table of a million rows takes on disk (InnoDB, with its secondary index).</summary>
    public const double GbPerTable = 0.24;

    public static int TablesFor(double sizeGb) => Math.Max(1, (int)Math.Ceiling(sizeGb / GbPerTable));

    /// <summary>Prepares the tables, or adopts them when an earlier run left exactly this layout (a 2 GB prepare takes minutes).</summary>
    public static async Task PrepareOrAdoptAsync(BenchCluster cluster, SysbenchRunner sysbench, int tables, int threads, Action<string> progress, CancellationToken ct)
    {
        await cluster.EnsureDatabaseAsync(ct);
        var target = cluster.SysbenchTarget;
        var primary = (await cluster.ViewAsync()).Leader!.Name;
        var existing = (await cluster.RootQueryAsync(primary,
            $"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{cluster.App.Database}' AND TABLE_NAME LIKE 'sbtest%'")).Scalar();
        if (existing == tables.ToString(CultureInfo.InvariantCulture)
            && (await cluster.RootQueryAsync(primary, $"SELECT MAX(id) FROM `{cluster.App.Database}`.sbtest{tables}")).Scalar() == RowsPerTable.ToString(CultureInfo.InvariantCulture))
        {
            sysbench.Adopt(target.Database, tables, RowsPerTable);
            progress($"using the {tables} sysbench tables an earlier run prepared");
            return;
        }
        progress($"preparing {tables} sysbench tables of {RowsPerTable:N0} rows (about {tables * GbPerTable:0.0} GB) through the read-write endpoint; this takes minutes");
        await sysbench.CleanupAsync(target, Math.Max(tables, 64), ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var ticker = new Timer(_ => progress($"still preparing ({clock.Elapsed.TotalMinutes:0.0} min)"), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await sysbench.PrepareAsync(target, tables, RowsPerTable, ct, threads: Math.Min(tables, threads));
        progress($"prepared in {clock.Elapsed.TotalMinutes:0.0} min");
    }

    /// <summary>Every replica has received and applied everything the primary wrote.</summary>
    public static async Task CaughtUpAsync(BenchCluster cluster, TimeSpan timeout)
    {
        var primary = (await cluster.WaitForHealthyAsync(timeout)).Name;
        var top = GtidPosition.Parse((await cluster.RootQueryAsync(primary, "SELECT @@global.gtid_binlog_pos")).Scalar());
        foreach (var m in cluster.MemberNames.Where(n => n != primary))
        {
            await Eventually.UntilAsync(async () =>
                GtidPosition.Parse((await cluster.RootQueryAsync(m, "SELECT @@global.gtid_slave_pos")).Scalar()).Contains(top) ? "ok" : null,
                timeout, $"{m} to apply the dataset", TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// The primary's TPS without and with some background work, as medians of <paramref name="pairs"/> alternating
    /// phases after one warm-up phase (a dataset larger than the buffer pool makes the load read from disk, so caches
    /// and drift must hit both sides alike).
    /// </summary>
    public static async Task<(double Without, double During)> AlternatingTpsAsync(Func<Task<SysbenchFigures>> load, Func<Func<Task<SysbenchFigures>>, Task<SysbenchFigures>> during,
        int pairs, string what, Action<string> progress)
    {
        progress("warming up the load");
        await load();
        var without = new List<double>();
        var with = new List<double>();
        for (var i = 1; i <= pairs; i++)
        {
            without.Add((await load()).Tps);
            with.Add((await during(load)).Tps);
            progress(string.Create(CultureInfo.InvariantCulture, $"TPS {i}/{pairs}: {without[^1]:0.0} without, {with[^1]:0.0} {what}"));
        }
        return (Median(without), Median(with));
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? 0 : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
