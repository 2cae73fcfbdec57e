using System.Security.Cryptography;
using System.Text;
using Keel.MySql.Protocol;
using Keel.MySql.Tests.Fixtures;

namespace Keel.MySql.Tests;

/// <summary>Authentication paths driven by a scripted server.</summary>
public sealed class AuthenticationExchangeTests
{
    [Fact]
    public async Task An_auth_switch_to_unix_socket_is_answered_with_empty_data()
    {
        using var fake = new FakeServer();
        byte[]? switchReply = null;
        var server = fake.RunAsync(async ch =>
        {
            await ch.WritePacketAsync(FakeServer.Greeting("mysql_native_password"), default);
            await ch.ReadPacketAsync(default);
            await ch.WritePacketAsync(new PayloadWriter().Byte(0xFE).NulTerminated("unix_socket").Written, default);
            switchReply = (await ch.ReadPacketAsync(default)).ToArray();
            await ch.WritePacketAsync(FakeServer.Ok(), default);
        });

        await using var c = await MySqlConnection.OpenAsync(fake.Options());
        await server;

        Assert.NotNull(switchReply);
        Assert.Empty(switchReply);
        Assert.Equal("10.11.99-MariaDB-fake", c.ServerVersion);
        Assert.Equal(77u, c.ConnectionId);
    }

    [Fact]
    public async Task An_auth_switch_to_native_password_uses_the_new_salt()
    {
        using var fake = new FakeServer();
        var newSalt = Encoding.ASCII.GetBytes("ZYXWVUTSRQPONMLKJIHG");
        byte[]? proof = null;
        var server = fake.RunAsync(async ch =>
        {
            await ch.WritePacketAsync(FakeServer.Greeting("caching_sha2_password"), default);
            await ch.ReadPacketAsync(default);
            await ch.WritePacketAsync(new PayloadWriter().Byte(0xFE).NulTerminated("mysql_native_password").Bytes(newSalt).Byte(0).Written, default);
            proof = (await ch.ReadPacketAsync(default)).ToArray();
            await ch.WritePacketAsync(FakeServer.Ok(), default);
        });

        await using var c = await MySqlConnection.OpenAsync(fake.Options(password: "secret"));
        await server;

        Assert.True(NativePasswordVerifier.Verify(proof!, newSalt, NativePasswordVerifier.StoredHash("secret")));
    }

    [Fact]
    public async Task Caching_sha2_fast_auth_success_completes_the_login()
    {
        using var fake = new FakeServer();
        (string User, byte[] Auth, string Plugin) response = default;
        var server = fake.RunAsync(async ch =>
        {
            await ch.WritePacketAsync(FakeServer.Greeting("caching_sha2_password"), default);
            response = FakeServer.ParseResponse((await ch.ReadPacketAsync(default)).Span);
            await ch.WritePacketAsync(new byte[] { 0x01, 0x03 }, default);
            await ch.WritePacketAsync(FakeServer.Ok(), default);
        });

        await using var c = await MySqlConnection.OpenAsync(fake.Options(user: "app", password: "secret"));
        await server;

        Assert.Equal("app", response.User);
        Assert.Equal("caching_sha2_password", response.Plugin);

        // Server-side check: SHA256(stored + nonce) XOR proof must be SHA256(pw), whose SHA256 is what is stored.
        var stored = SHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes("secret")));
        var mask = SHA256.HashData([.. stored, .. FakeServer.Salt]);
        var stage1 = response.Auth!.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
        Assert.Equal(stored, SHA256.HashData(stage1));
    }

    [Fact]
    public async Task Caching_sha2_full_auth_over_tcp_is_refused_rather_than_sending_the_password()
    {
        using var fake = new FakeServer();
        var server = fake.RunAsync(async ch =>
        {
            await ch.WritePacketAsync(FakeServer.Greeting("caching_sha2_password"), default);
            await ch.ReadPacketAsync(default);
            await ch.WritePacketAsync(new byte[] { 0x01, 0x04 }, default);
        });

        var ex = await Assert.ThrowsAsync<MySqlConnectionException>(() => MySqlConnection.OpenAsync(fake.Options()));
        await server;

        Assert.Contains("full authentication", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_plugin_is_a_MySqlConnectionException_naming_it()
    {
        using var fake = new FakeServer();
        var server = fake.RunAsync(async ch =>
        {
            await ch.WritePacketAsync(FakeServer.Greeting("mysql_native_password"), default);
            await ch.ReadPacketAsync(default);
            await ch.WritePacketAsync(new PayloadWriter().Byte(0xFE).NulTerminated("client_ed25519").Bytes(FakeServer.Salt).Written, default);
        });

        var ex = await Assert.ThrowsAsync<MySqlConnectionException>(() => MySqlConnection.OpenAsync(fake.Options()));
        await server;

        Assert.Contains("client_ed25519", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_instead_of_a_greeting_is_a_server_exception()
    {
        using var fake = new FakeServer();
        var server = fake.RunAsync(async ch =>
        {
            // What "Too many connections" looks like: no SQLSTATE marker before the handshake.
            await ch.WritePacketAsync(new PayloadWriter().Byte(0xFF).Byte(0x10).Byte(0x04).Utf8("Too many connections").Written, default);
        });

        var ex = await Assert.ThrowsAsync<MySqlServerException>(() => MySqlConnection.OpenAsync(fake.Options()));
        await server;

        Assert.Equal(1040, ex.Code);
        Assert.Equal("HY000", ex.SqlState);
    }
}
