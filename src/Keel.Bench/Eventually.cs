using Keel.Etcd;
using Keel.MySql;

namespace Keel.Bench;

/// <summary>Polls a condition until it yields a value; bounded by a timeout, never a hang.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, TimeSpan? every = null) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is MySqlException or EtcdException or IOException)
            {
                last = ex;
            }
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }
}
