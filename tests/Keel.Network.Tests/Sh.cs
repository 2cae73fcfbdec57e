namespace Keel.Network.Tests;

/// <summary>Root-namespace inspection commands for assertions.</summary>
internal static class Sh
{
    public static async Task<string> OutAsync(params string[] argv)
    {
        var r = await ExternalCommand.RunAsync(argv, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.True(r.Ok, r.Describe());
        return r.StdOut;
    }

    public static async Task<IReadOnlyList<string>> NamespacesAsync() =>
        (await OutAsync("ip", "netns", "list")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();

    public static Task<string> LinksAsync() => OutAsync("ip", "-o", "link", "show");

    /// <summary>Lines of the main table's `unreachable` routes for exactly this subnet.</summary>
    public static async Task<IReadOnlyList<string>> GuardRoutesAsync(string subnet) =>
        (await OutAsync("ip", "-4", "route", "show", "table", "main"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith($"unreachable {subnet} ", StringComparison.Ordinal) || l == $"unreachable {subnet}")
            .ToList();
}
