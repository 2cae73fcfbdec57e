using System.Text.Json;
using Keel.Bench.Reports;

namespace Keel.Bench.Tests.Reports;

public class JsonReportTests
{
    [Fact]
    public void Json_is_indented_snake_case_with_nulls_kept()
    {
        var json = JsonReport.Write(SampleRuns.Report());

        Assert.Contains("\n  \"machine\": \"bench-01 (8 vCPU, 16 GiB)\"", json, StringComparison.Ordinal);
        Assert.Contains("\"time_to_writable_seconds\": 0.45", json, StringComparison.Ordinal);
        Assert.Contains("\"acknowledged_lost\": 0", json, StringComparison.Ordinal);
        Assert.Contains("\"p95_latency_ms\": 14.5", json, StringComparison.Ordinal);
        Assert.Contains("\"ack_times\": [", json, StringComparison.Ordinal);
        Assert.Contains("\"promote_seconds\": null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_round_trips_every_measurement()
    {
        var original = SampleRuns.Report();

        var back = JsonReport.Read(JsonReport.Write(original));

        Assert.Equal(original.Machine, back.Machine);
        Assert.Equal(original.StartedAt, back.StartedAt);
        Assert.Equal(original.StartedAt.Offset, back.StartedAt.Offset);
        Assert.Equal(original.Steady, back.Steady); // records of scalars: value equality
        Assert.Equal(original.Runs.Count, back.Runs.Count);
        for (var i = 0; i < original.Runs.Count; i++)
        {
            var (a, b) = (original.Runs[i], back.Runs[i]);
            // Lists compare by reference inside records, so compare the run without its timeline, then the timeline.
            Assert.Equal(a with { Timeline = null! }, b with { Timeline = null! });
            Assert.Equal(a.Timeline.FaultAtSeconds, b.Timeline.FaultAtSeconds);
            Assert.Equal(a.Timeline.AckTimes, b.Timeline.AckTimes);
            Assert.Equal(a.Timeline.ErrorTimes, b.Timeline.ErrorTimes);
            Assert.Equal(a.Timeline.Marks, b.Timeline.Marks);
        }
        Assert.Equal(JsonReport.Write(original), JsonReport.Write(back));
    }

    [Fact]
    public void A_missing_required_field_is_an_error_not_a_default() =>
        Assert.ThrowsAny<JsonException>(() => JsonReport.Read("""{ "machine": "m", "runs": [], "steady": [] }"""));
}
