using System.Net;
using System.Net.Sockets;
using System.Text;
using Keel.MySql.Protocol;

namespace Keel.MySql.Tests.Fixtures;

/// <summary>
/// A scripted single-connection server speaking raw packets, for protocol paths the real MariaDB does not
/// take with our accounts (auth switch, caching_sha2, greetings that are errors).
/// </summary>
internal sealed class FakeServer : IDisposable
{
    public static readonly byte[] Salt = Encoding.ASCII.GetBytes("abcdefgh12345678ijkl");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public FakeServer()
    {
        _listener.Start();
    }

    public MySqlConnectOptions Options(string user = "u", string password = "pw") => new()
    {
        Host = "127.0.0.1",
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
        User = user,
        Password = password,
        ConnectTimeout = TimeSpan.FromSeconds(3),
    };

    /// <summary>Accepts one connection and runs <paramref name="script"/> on its packet channel.</summary>
    public Task RunAsync(Func<PacketChannel, Task> script) => Task.Run(async () =>
    {
        var socket = await _listener.AcceptSocketAsync();
        using var channel = new PacketChannel(socket);
        await script(channel);
    });

    public void Dispose() => _listener.Dispose();

    /// <summary>A MariaDB-like HandshakeV10 with the 20-byte <see cref="Salt"/>.</summary>
    public static byte[] Greeting(string plugin)
    {
        // 0x81FFF7FE: what MariaDB 10.11 announces (PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, DEPRECATE_EOF, ...).
        var w = new PayloadWriter()
            .Byte(10).NulTerminated("5.5.5-10.11.99-MariaDB-fake")
            .UInt32(77)
            .Bytes(Salt.AsSpan(0, 8)).Byte(0)
            .Byte(0xFE).Byte(0xF7)
            .Byte(45).Byte(2).Byte(0)
            .Byte(0xFF).Byte(0x81)
            .Byte(21).Zeros(10)
            .Bytes(Salt.AsSpan(8)).Byte(0)
            .NulTerminated(plugin);
        return w.Written.ToArray();
    }

    public static byte[] Ok() => [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00];

    /// <summary>Parses HandshakeResponse41 (1-byte auth length form) into user, auth data and plugin.</summary>
    public static (string User, byte[] Auth, string Plugin) ParseResponse(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        var caps = (Capabilities)r.ReadUInt32();
        r.Skip(4 + 1 + 23);
        var user = r.ReadNulTerminatedString();
        var auth = r.ReadBytes(r.ReadByte()).ToArray();
        if (caps.HasFlag(Capabilities.ConnectWithDb))
        {
            r.ReadNulTerminatedString();
        }

        return (user, auth, r.ReadNulTerminatedString());
    }
}
