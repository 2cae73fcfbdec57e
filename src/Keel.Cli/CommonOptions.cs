using System.CommandLine;

namespace Keel.Cli;

internal static class CommonOptions
{
    public static Option<string?> Home() => new("--home")
    {
        Description = "Directory where the playground keeps its state (default: $KEEL_HOME, else ~/.keel)",
    };
}
