using Spectre.Console;

namespace Keel.Cli;

internal static class ConsoleOutput
{
    /// <summary>Colours on a terminal; plain text when the output goes to a file or a pipe (scripts, CI logs).</summary>
    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            // A file has no width; do not wrap tables at 80 columns.
            console.Profile.Width = 200;
        }
        return console;
    }
}
