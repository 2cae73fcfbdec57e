using System.Text.Json.Serialization;

namespace Keel.Bench.Reports;

// Nulls are written, not skipped: "no promotion in this run" is itself a measurement.
// Named float literals keep a NaN from a broken sysbench parse from failing the whole report.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class ReportJson : JsonSerializerContext;
