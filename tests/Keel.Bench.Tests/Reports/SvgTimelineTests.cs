using System.Xml.Linq;
using Keel.Bench.Reports;

namespace Keel.Bench.Tests.Reports;

public class SvgTimelineTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static FaultRun Run(Timeline timeline) => SampleRuns.Failover(3, 0.4) with { Timeline = timeline };

    private static XDocument Draw(Timeline timeline) => XDocument.Parse(SvgTimeline.Write(Run(timeline)));

    private static int Bars(XDocument svg, string cls) =>
        svg.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("class") == cls);

    [Fact]
    public void One_bar_per_non_empty_100_ms_bucket()
    {
        // acks: bucket 0 (twice), bucket 1, bucket 23 (2.3 s, which 2.3 / 0.1 would put in 22); errors: 10 twice, 15.
        var svg = Draw(new Timeline(1.0, [0.05, 0.06, 0.15, 2.3], [1.01, 1.02, 1.5], []));

        Assert.Equal(3, Bars(svg, "ack"));
        Assert.Equal(2, Bars(svg, "error"));
    }

    [Fact]
    public void Acks_go_up_and_failures_go_down_from_one_baseline()
    {
        var svg = Draw(new Timeline(1.0, [0.05], [1.01], []));
        var ack = svg.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "ack");
        var error = svg.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "error");
        double Num(XElement e, string name) => double.Parse((string)e.Attribute(name)!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(Num(error, "y"), Num(ack, "y") + Num(ack, "height"), 2);
        Assert.True(Num(error, "height") > 0);
    }

    [Fact]
    public void The_fault_and_every_mark_are_labelled_lines()
    {
        var svg = Draw(SampleRuns.Timeline());
        var labels = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "mark-label")
            .Select(t => t.Nodes().OfType<XText>().Single().Value).ToArray();

        Assert.Equal(["fault", "db1 unhealthy", "promote db2", "db2 writable"], labels);
        Assert.Single(svg.Descendants(Svg + "line"), l => (string?)l.Attribute("class") == "fault");
        Assert.Equal(3, svg.Descendants(Svg + "line").Count(l => (string?)l.Attribute("class") == "mark"));
    }

    [Fact]
    public void Labels_are_escaped()
    {
        var label = "a<b & c>d \"q\"";
        var text = SvgTimeline.Write(Run(new Timeline(1, [0.5], [], [new TimelineMark(1.2, label)])) with { Case = "x<y&z" });

        Assert.Contains("a&lt;b &amp; c&gt;d &quot;q&quot;", text, StringComparison.Ordinal);
        var svg = XDocument.Parse(text);
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Nodes().OfType<XText>().Any(n => n.Value == label));
        Assert.Equal("x<y&z — repetition 3", svg.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Title_names_case_and_repetition()
    {
        var svg = Draw(SampleRuns.Timeline());

        Assert.Equal("primary crash — repetition 3", svg.Root!.Element(Svg + "title")!.Value);
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "primary crash — repetition 3");
    }

    [Fact]
    public void Marks_close_in_time_are_put_on_different_lanes()
    {
        var svg = Draw(new Timeline(1, [0.5], [], [new TimelineMark(1.01, "first long label"), new TimelineMark(1.02, "second long label")]));
        var ys = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "mark-label")
            .Select(t => (string)t.Attribute("y")!).ToArray();

        Assert.Equal(3, ys.Distinct().Count());
    }

    [Fact]
    public void An_empty_timeline_is_still_a_valid_picture()
    {
        var svg = Draw(new Timeline(0, [], [], []));

        Assert.Equal(0, Bars(svg, "ack") + Bars(svg, "error"));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "0");
    }

    [Fact]
    public void Control_characters_cannot_break_the_xml() =>
        XDocument.Parse(SvgTimeline.Write(Run(new Timeline(1, [], [], [new TimelineMark(1, "bad\u0001byte")]))));
}
