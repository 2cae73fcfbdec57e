using System.Diagnostics;

namespace Keel.Etcd.Tests;

/// <summary>Polling for conditions that real servers reach "soon" (lease expiry, restarts).</summary>
internal static class Eventually
{
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > within)
            {
                Assert.Fail($"{what}: not true within {within.TotalSeconds:0.#} s");
            }

            await Task.Delay(50);
        }

        return watch.Elapsed;
    }
}
