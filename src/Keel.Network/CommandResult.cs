namespace Keel.Network;

/// <summary>How an external command ended, with everything it printed.</summary>
public sealed record CommandResult(IReadOnlyList<string> Argv, int ExitCode, string StdOut, string StdErr)
{
    public bool Ok => ExitCode == 0;

    public string Describe() => $"`{string.Join(' ', Argv)}` exited with {ExitCode}: {(StdErr.Trim().Length > 0 ? StdErr.Trim() : StdOut.Trim())}";
}
