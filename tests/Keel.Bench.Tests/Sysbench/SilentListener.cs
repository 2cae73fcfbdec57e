using System.Net;
using System.Net.Sockets;

namespace Keel.Bench.Tests.Sysbench;

/// <summary>
/// Accepts TCP connections and never says a word: a MySQL client waits forever for the handshake, like
/// against a SIGSTOPped server. Tells when every accepted connection has been closed by the peer, which
/// proves that the client process is gone.
/// </summary>
internal sealed class SilentListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();

    public SilentListener()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    public int AcceptedCount
    {
        get
        {
            lock (_gate)
            {
                return _accepted.Count;
            }
        }
    }

    /// <summary>True once at least one connection was accepted and all have reached EOF or reset within <paramref name="timeout"/>.</summary>
    public async Task<bool> AllClosedByPeerAsync(TimeSpan timeout)
    {
        Socket[] sockets;
        lock (_gate)
        {
            sockets = [.. _accepted];
        }

        if (sockets.Length == 0)
        {
            return false;
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            foreach (var socket in sockets)
            {
                var buffer = new byte[64];
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
                {
                }
            }

            return true;
        }
        catch (SocketException)
        {
            return true; // reset by the dying peer
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var socket in _accepted)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_gate)
                {
                    _accepted.Add(socket);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }
}
