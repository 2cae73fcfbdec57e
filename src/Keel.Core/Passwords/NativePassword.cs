using System.Security.Cryptography;
using System.Text;

namespace Keel.Core.Passwords;

/// <summary>
/// MariaDB's mysql_native_password hash, as PASSWORD('x') computes it: '*' and the upper-case hex of SHA1(SHA1(x)).
/// Keel passes hashes, not passwords, through the store during a rotation.
/// </summary>
public static class NativePassword
{
    public static string Hash(string password) =>
        "*" + Convert.ToHexString(SHA1.HashData(SHA1.HashData(Encoding.UTF8.GetBytes(password))));

    /// <summary>Exactly '*' and 40 upper-case hex digits: the only text that goes into an ALTER USER from the store.</summary>
    public static bool IsHash(string? text) =>
        text is { Length: 41 } && text[0] == '*' && text.Skip(1).All(c => c is >= '0' and <= '9' or >= 'A' and <= 'F');
}
