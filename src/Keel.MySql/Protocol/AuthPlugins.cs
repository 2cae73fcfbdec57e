namespace Keel.MySql.Protocol;

/// <summary>The client side of the authentication plugins we support.</summary>
internal static class AuthPlugins
{
    public const string NativePassword = "mysql_native_password";
    public const string CachingSha2 = "caching_sha2_password";
    public const string UnixSocket = "unix_socket";
    public const string ClearPassword = "mysql_clear_password";

    /// <summary>
    /// Response data for <paramref name="plugin"/>'s challenge, or a <see cref="MySqlConnectionException"/>
    /// for plugins we cannot speak (ed25519, gssapi, PAM dialog).
    /// </summary>
    public static byte[] Respond(string plugin, string password, ReadOnlySpan<byte> challenge, bool overUnixSocket, string endpoint)
    {
        switch (plugin)
        {
            case NativePassword:
                return AuthScramble.NativePassword(password, challenge);
            case CachingSha2:
                return AuthScramble.CachingSha2(password, challenge);
            case UnixSocket:
                // The server checks the peer's uid (SO_PEERCRED); the client has nothing to say.
                return [];
            case ClearPassword when overUnixSocket:
                return [.. System.Text.Encoding.UTF8.GetBytes(password), 0];
            case ClearPassword:
                throw new MySqlConnectionException(
                    $"{endpoint}: server asked for {ClearPassword}; refusing to send a password in clear over TCP without TLS");
            default:
                throw new MySqlConnectionException($"{endpoint}: unsupported authentication plugin '{plugin}'");
        }
    }
}
