namespace Keel.Bench.Reports;

/// <summary>Pure statistics over the repetitions of one fault case.</summary>
public static class ReportFigures
{
    private sealed record Definition(FigureKind Kind, string Name, FigureUnit Unit, Func<FaultRun, double?> Value);

    private static readonly Definition[] Definitions =
    [
        new(FigureKind.Detect, "time to detect", FigureUnit.Seconds, r => r.DetectSeconds),
        new(FigureKind.Promote, "time to promote", FigureUnit.Seconds, r => r.PromoteSeconds),
        new(FigureKind.Writable, "time to writable", FigureUnit.Seconds, r => r.TimeToWritableSeconds),
        new(FigureKind.WriteUnavailability, "write unavailability", FigureUnit.Seconds, r => r.WriteUnavailabilitySeconds),
        new(FigureKind.ReadOnlyWindow, "read-only window", FigureUnit.Seconds, r => r.ReadOnlyWindowSeconds),
        new(FigureKind.Rejoin, "time to rejoin", FigureUnit.Seconds, r => r.RejoinSeconds),
        new(FigureKind.FailedWrites, "failed writes", FigureUnit.Count, r => r.FailedWrites),
        new(FigureKind.AcknowledgedLost, "acknowledged writes lost", FigureUnit.Count, r => r.AcknowledgedLost),
        new(FigureKind.SplitBrainWindows, "split-brain windows", FigureUnit.Count, r => r.SplitBrainWindows),
        new(FigureKind.TpsBefore, "sysbench TPS before", FigureUnit.Tps, r => r.Before?.Tps),
        new(FigureKind.TpsAfter, "sysbench TPS after", FigureUnit.Tps, r => r.After?.Tps),
        new(FigureKind.P95Before, "sysbench p95 latency before", FigureUnit.Milliseconds, r => r.Before?.P95LatencyMs),
        new(FigureKind.P95After, "sysbench p95 latency after", FigureUnit.Milliseconds, r => r.After?.P95LatencyMs),
    ];

    /// <summary>
    /// Min, median, p95 and max of the non-null values; null when there are none. The median of an even count
    /// is the mean of the middle two; p95 is nearest-rank, so it is always a value some run really had.
    /// </summary>
    public static FigureStats? Summarize(IEnumerable<double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Where(v => v is not null).Select(v => v!.Value).Order().ToArray();
        if (sorted.Length == 0)
            return null;
        var n = sorted.Length;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        // Integer arithmetic for ceil(0.95 n): 0.95 has no exact double, and 0.95 * 20 must be rank 19, not 20.
        var rank = ((95 * n) + 99) / 100;
        return new FigureStats(n, sorted[0], median, sorted[rank - 1], sorted[^1]);
    }

    /// <summary>Every figure of one case. All runs must belong to the same case.</summary>
    public static CaseFigures ForCase(IReadOnlyList<FaultRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
            throw new ArgumentException("A case needs at least one run.", nameof(runs));
        var name = runs[0].Case;
        if (runs.Any(r => !string.Equals(r.Case, name, StringComparison.Ordinal)))
            throw new ArgumentException($"Runs of more than one case given (first is '{name}').", nameof(runs));
        var figures = Definitions
            .Select(d => new Figure(d.Kind, d.Name, d.Unit, Summarize(runs.Select(d.Value))))
            .ToArray();
        return new CaseFigures(name, runs.Count, figures);
    }
}
