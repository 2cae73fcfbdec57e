using System.Net;
using System.Net.Sockets;

namespace Keel.TestSupport;

/// <summary>Temporary directories and free loopback ports for tests that run real servers.</summary>
public static class TestPaths
{
    /// <summary>A new empty directory under /tmp (short path: unix socket paths are limited to 107 bytes).</summary>
    public static string NewTempDir(string prefix)
    {
        var dir = Path.Combine("/tmp", $"keel-t-{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, 16 + prefix.Length + 12)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
