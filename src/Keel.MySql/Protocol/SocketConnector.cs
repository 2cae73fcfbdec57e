using System.Net;
using System.Net.Sockets;

namespace Keel.MySql.Protocol;

/// <summary>Opens the stream socket: unix socket when configured, else TCP to each resolved address in turn.</summary>
internal static class SocketConnector
{
    public static async Task<Socket> ConnectAsync(MySqlConnectOptions options, CancellationToken ct)
    {
        if (options.UnixSocket is not null)
        {
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(options.UnixSocket), ct);
                return unix;
            }
            catch
            {
                unix.Dispose();
                throw;
            }
        }

        var host = options.Host ?? throw new ArgumentException("MySqlConnectOptions needs Host or UnixSocket", nameof(options));
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, options.Port), ct);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
