namespace Keel.MySql.Protocol;

/// <summary>
/// Runs the connection phase: reads the server greeting, sends HandshakeResponse41, then follows
/// auth-switch requests and caching_sha2 "more data" until OK or ERR.
/// </summary>
internal static class Authenticator
{
    // Large enough that the server's max_allowed_packet is the only limit that matters.
    private const uint MaxPacketSize = 1024 * 1024 * 1024;

    // utf8mb4_general_ci: results come back as UTF-8 whatever the server's default charset is.
    private const byte Utf8Mb4GeneralCi = 45;

    // caching_sha2_password's AuthMoreData status bytes.
    private const byte FastAuthSuccess = 3;
    private const byte FullAuthRequired = 4;

    public sealed record Outcome(InitialHandshake Handshake, Capabilities Negotiated);

    public static async Task<Outcome> RunAsync(PacketChannel channel, MySqlConnectOptions options, CancellationToken ct)
    {
        var endpoint = options.ToString();
        var overUnixSocket = options.UnixSocket is not null;
        var greeting = await channel.ReadPacketAsync(ct);
        var handshake = InitialHandshake.Parse(greeting.Span);

        var required = Capabilities.Protocol41 | Capabilities.SecureConnection;
        if ((handshake.ServerCapabilities & required) != required)
        {
            throw new MySqlConnectionException($"{endpoint}: server lacks CLIENT_PROTOCOL_41/SECURE_CONNECTION (too old)");
        }

        var wanted = Capabilities.LongPassword | Capabilities.LongFlag | Capabilities.Protocol41
            | Capabilities.Transactions | Capabilities.SecureConnection | Capabilities.MultiResults
            | Capabilities.PluginAuth;
        if (options.Database is not null)
        {
            wanted |= Capabilities.ConnectWithDb;
        }

        if (options.RequestDeprecateEof)
        {
            wanted |= Capabilities.DeprecateEof;
        }

        var negotiated = wanted & handshake.ServerCapabilities;
        if (options.Database is not null && !negotiated.HasFlag(Capabilities.ConnectWithDb))
        {
            throw new MySqlConnectionException($"{endpoint}: server does not support CONNECT_WITH_DB");
        }

        // Answer in the server's default plugin when we know it; otherwise offer native password and
        // let the server switch us to whatever the account needs.
        var plugin = handshake.AuthPlugin is AuthPlugins.NativePassword or AuthPlugins.CachingSha2
            ? handshake.AuthPlugin
            : AuthPlugins.NativePassword;
        var authData = AuthPlugins.Respond(plugin, options.Password, handshake.Scramble, overUnixSocket, endpoint);

        var response = new PayloadWriter()
            .UInt32((uint)negotiated)
            .UInt32(MaxPacketSize)
            .Byte(Utf8Mb4GeneralCi)
            .Zeros(23)
            .NulTerminated(options.User)
            .Byte(checked((byte)authData.Length))
            .Bytes(authData);
        if (options.Database is not null)
        {
            response.NulTerminated(options.Database);
        }

        if (negotiated.HasFlag(Capabilities.PluginAuth))
        {
            response.NulTerminated(plugin);
        }

        await channel.WritePacketAsync(response.Written, ct);
        await FollowAuthExchangeAsync(channel, options, plugin, handshake.Scramble, endpoint, ct);
        return new Outcome(handshake, negotiated);
    }

    private static async Task FollowAuthExchangeAsync(
        PacketChannel channel, MySqlConnectOptions options, string plugin, byte[] scramble, string endpoint, CancellationToken ct)
    {
        var overUnixSocket = options.UnixSocket is not null;

        // Bounded so a confused server cannot keep us switching plugins forever.
        for (var round = 0; round < 8; round++)
        {
            var packet = await channel.ReadPacketAsync(ct);
            if (packet.IsEmpty)
            {
                throw new MalformedPacketException("empty packet during authentication");
            }

            switch (packet.Span[0])
            {
                case PacketHeaders.Ok:
                    return;
                case PacketHeaders.Err:
                    throw ServerError.Parse(packet.Span);
                case PacketHeaders.Eof:
                    (plugin, scramble) = ParseAuthSwitch(packet.Span, endpoint);
                    var switched = AuthPlugins.Respond(plugin, options.Password, scramble, overUnixSocket, endpoint);
                    await channel.WritePacketAsync(switched, ct);
                    break;
                case PacketHeaders.AuthMoreData when plugin == AuthPlugins.CachingSha2:
                    await ContinueCachingSha2Async(channel, options, packet.Length > 1 ? packet.Span[1] : (byte)0, endpoint, ct);
                    break;
                default:
                    throw new MySqlConnectionException(
                        $"{endpoint}: unexpected packet 0x{packet.Span[0]:X2} during {plugin} authentication");
            }
        }

        throw new MySqlConnectionException($"{endpoint}: authentication did not finish after 8 exchanges");
    }

    private static (string Plugin, byte[] Challenge) ParseAuthSwitch(ReadOnlySpan<byte> payload, string endpoint)
    {
        if (payload.Length == 1)
        {
            throw new MySqlConnectionException($"{endpoint}: server asked for the pre-4.1 password scheme, which is not supported");
        }

        var r = new PayloadReader(payload);
        r.ReadByte();
        var plugin = r.ReadNulTerminatedString();
        var data = r.ReadRest();

        // Scrambles are sent NUL-terminated; the NUL is not part of the challenge.
        if (data.Length > 0 && data[^1] == 0)
        {
            data = data[..^1];
        }

        return (plugin, data.ToArray());
    }

    private static async Task ContinueCachingSha2Async(
        PacketChannel channel, MySqlConnectOptions options, byte status, string endpoint, CancellationToken ct)
    {
        if (status == FastAuthSuccess)
        {
            return; // the OK packet follows
        }

        if (status == FullAuthRequired && options.UnixSocket is not null)
        {
            // A unix socket counts as a secure transport: the server accepts the password itself.
            byte[] clear = [.. System.Text.Encoding.UTF8.GetBytes(options.Password), 0];
            await channel.WritePacketAsync(clear, ct);
            return;
        }

        // Full authentication over plain TCP needs TLS or the server's RSA key; not worth it for MariaDB targets.
        throw new MySqlConnectionException(
            $"{endpoint}: caching_sha2_password full authentication over TCP needs TLS or RSA, which this client does not implement");
    }
}
