using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keel.Network.Tests;

/// <summary>
/// Real TCP round trips: a python3 echo server inside hosts, a python3 client run inside hosts, and a .NET client
/// and server in the root namespace. Every attempt has its own short timeout; every retry loop is bounded.
/// </summary>
internal static class Echo
{
    public const int Port = 7000;

    private const string Python = "python3";

    private const string ServerScript = """
        import socket, sys, threading
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", int(sys.argv[1])))
        s.listen(16)
        def serve(c):
            with c:
                c.settimeout(10)
                try:
                    while True:
                        d = c.recv(4096)
                        if not d:
                            return
                        c.sendall(d)
                except OSError:
                    pass
        while True:
            c, _ = s.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()
        """;

    // Exit 0 only on a full echo; any error (refused, unreachable, timeout) is a non-zero exit.
    private const string ClientScript = """
        import socket, sys
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]))
        s.sendall(b"keel\n")
        d = b""
        while not d.endswith(b"\n"):
            c = s.recv(64)
            if not c:
                break
            d += c
        sys.exit(0 if d == b"keel\n" else 3)
        """;

    public static async Task<int> StartServerAsync(NetworkLab lab, string host, string logDir, CancellationToken ct)
    {
        var pid = await lab.StartProcessAsync(host, [Python, "-c", ServerScript, Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], Path.Combine(logDir, host + "-echo.log"), ct);
        // Ready when it answers on its own loopback (independent of the NIC state tests will change later).
        for (var i = 0; i < 50; i++)
        {
            if (await FromHostAsync(lab, host, "127.0.0.1", Port, TimeSpan.FromSeconds(1)))
            {
                return pid;
            }
            await Task.Delay(100, ct);
        }
        Assert.Fail($"the echo server in {host} did not answer within 5 s; see {logDir}");
        return pid;
    }

    /// <summary>A round trip from inside <paramref name="host"/>.</summary>
    public static async Task<bool> FromHostAsync(NetworkLab lab, string host, string address, int port, TimeSpan timeout)
    {
        var r = await lab.RunAsync(
            host,
            [Python, "-c", ClientScript, address, port.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            timeout + TimeSpan.FromSeconds(5),
            CancellationToken.None);
        return r.Ok;
    }

    /// <summary>A round trip from the root namespace; returns whether it worked and how long it took.</summary>
    public static async Task<(bool Ok, TimeSpan Elapsed)> FromRootAsync(string address, int port, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(address), port, cts.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("keel\n"u8.ToArray(), cts.Token);
            var buffer = new byte[64];
            var got = new StringBuilder();
            for (var i = 0; i < 10 && !got.ToString().EndsWith('\n'); i++)
            {
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    break;
                }
                got.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            return (got.ToString() == "keel\n", sw.Elapsed);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return (false, sw.Elapsed);
        }
    }

    /// <summary>Retries a root-namespace round trip for at most <paramref name="within"/>.</summary>
    public static async Task<bool> EventuallyFromRootAsync(string address, int port, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        for (var i = 0; i < 100 && DateTime.UtcNow < deadline; i++)
        {
            if ((await FromRootAsync(address, port, TimeSpan.FromSeconds(1))).Ok)
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }
}
