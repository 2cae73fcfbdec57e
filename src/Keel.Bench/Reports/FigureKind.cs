namespace Keel.Bench.Reports;

/// <summary>Every figure a fault case is summarised by, in the order the report lists them.</summary>
public enum FigureKind
{
    Detect,
    Promote,
    Writable,
    WriteUnavailability,
    ReadOnlyWindow,
    Rejoin,
    FailedWrites,
    AcknowledgedLost,
    SplitBrainWindows,
    TpsBefore,
    TpsAfter,
    P95Before,
    P95After,
}
