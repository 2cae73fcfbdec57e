namespace Keel.Network.Tests;

/// <summary>Creates labs for tests, failing loudly (never skipping) where labs cannot run.</summary>
internal static class Lab
{
    public static readonly TimeSpan TestBudget = TimeSpan.FromSeconds(45);

    public static void Require()
    {
        if (NetworkLab.CannotRunReason() is { } reason)
        {
            Assert.Fail("these tests need real network namespaces: " + reason);
        }
    }

    public static async Task<NetworkLab> CreateAsync(CancellationToken ct, params string[] hosts)
    {
        Require();
        return await NetworkLab.CreateAsync(hosts, ct);
    }
}
