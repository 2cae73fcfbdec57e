using System.Security.Cryptography;
using System.Text;

namespace Keel.MySql.Protocol;

/// <summary>Password proofs for the challenge-response plugins we speak. The password never crosses the wire.</summary>
internal static class AuthScramble
{
    /// <summary>
    /// mysql_native_password: SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))). The server stores
    /// SHA1(SHA1(pw)) and can undo the XOR; an empty password is sent as an empty response.
    /// </summary>
    public static byte[] NativePassword(string password, ReadOnlySpan<byte> salt)
    {
        if (password.Length == 0)
        {
            return [];
        }

        var stage1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var stage2 = SHA1.HashData(stage1);
        var mix = SHA1.HashData([.. salt, .. stage2]);
        return Xor(stage1, mix);
    }

    /// <summary>
    /// caching_sha2_password fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce). Only works
    /// while the server has the password cached; otherwise it asks for full authentication.
    /// </summary>
    public static byte[] CachingSha2(string password, ReadOnlySpan<byte> nonce)
    {
        if (password.Length == 0)
        {
            return [];
        }

        var stage1 = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        var stage2 = SHA256.HashData(stage1);
        var mix = SHA256.HashData([.. stage2, .. nonce]);
        return Xor(stage1, mix);
    }

    private static byte[] Xor(byte[] a, byte[] b)
    {
        var result = new byte[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = (byte)(a[i] ^ b[i]);
        }

        return result;
    }
}
