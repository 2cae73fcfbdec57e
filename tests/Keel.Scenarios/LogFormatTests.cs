using System.Text.Json;
using Keel.Cli;
using Microsoft.Extensions.Logging;

namespace Keel.Scenarios;

/// <summary>`--log-format json`: one JSON object per line with the event id and each named field of the message.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class LogFormatTests
{
    [Fact]
    public void Json_lines_carry_the_event_id_the_message_and_its_fields()
    {
        var captured = new StringWriter();
        var original = Console.Out;
        Console.SetOut(captured);
        try
        {
            using (var factory = LogSetup.Create(LogSetup.Json))
            {
                factory.CreateLogger("keel.agent").Log(LogLevel.Information, new EventId(100, "Decided"), "{Member}: {Action}: {Reason}", "m1", "Promote", "m2's server is gone");
            }
        }
        finally
        {
            Console.SetOut(original);
        }
        var line = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(l => l.Contains("Promote", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(100, root.GetProperty("EventId").GetInt32());
        Assert.Equal("Information", root.GetProperty("LogLevel").GetString());
        Assert.Equal("keel.agent", root.GetProperty("Category").GetString());
        Assert.Equal("m1: Promote: m2's server is gone", root.GetProperty("Message").GetString());
        Assert.Equal("Promote", root.GetProperty("State").GetProperty("Action").GetString());
        Assert.EndsWith("Z", root.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>Tests that replace Console.Out run one at a time.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;
