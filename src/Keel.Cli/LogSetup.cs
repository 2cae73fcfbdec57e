using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Keel.Cli;

/// <summary>
/// How `keel agent` and `keel watchdog` write their log: single text lines with UTC times (the default, what the
/// playground and `keel bench ha` read), or one JSON object per line (`--log-format json`: Microsoft's JSON console
/// formatter, with the event id, level, category, message and each named field of the message in State).
/// </summary>
public static class LogSetup
{
    public const string Text = "text";
    public const string Json = "json";

    public static Option<string> FormatOption()
    {
        var option = new Option<string>("--log-format") { Description = "text (one line per event) or json (one JSON object per line, with event ids)", DefaultValueFactory = _ => Text };
        option.AcceptOnlyFromAmong(Text, Json);
        return option;
    }

    public static ILoggerFactory Create(string format) => LoggerFactory.Create(b =>
    {
        if (format == Json)
        {
            b.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
                o.IncludeScopes = false;
            });
        }
        else
        {
            b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
        }
        b.SetMinimumLevel(LogLevel.Information);
    });
}
