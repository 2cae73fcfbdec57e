using System.Security.Cryptography;
using System.Text;

namespace Keel.MySql.Tests;

/// <summary>The server's side of mysql_native_password, written independently of the client code under test.</summary>
internal static class NativePasswordVerifier
{
    /// <summary>What mysql.global_priv stores: SHA1(SHA1(password)).</summary>
    public static byte[] StoredHash(string password) => SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password)));

    /// <summary>proof XOR SHA1(salt + stored) recovers SHA1(password); its SHA1 must equal the stored hash.</summary>
    public static bool Verify(byte[] proof, byte[] salt, byte[] stored)
    {
        var mask = SHA1.HashData([.. salt, .. stored]);
        if (proof.Length != mask.Length)
        {
            return false;
        }

        var candidate = new byte[mask.Length];
        for (var i = 0; i < mask.Length; i++)
        {
            candidate[i] = (byte)(proof[i] ^ mask[i]);
        }

        return SHA1.HashData(candidate).AsSpan().SequenceEqual(stored);
    }
}
