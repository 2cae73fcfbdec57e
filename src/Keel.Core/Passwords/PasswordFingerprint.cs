using System.Security.Cryptography;
using System.Text;

namespace Keel.Core.Passwords;

/// <summary>
/// A short, one-way mark of a password (12 hex digits of a SHA-256), so an agent can say in the store which
/// replication password its server will use next, and a rotation can wait for every replica to use the new one,
/// without the password or a full hash ever leaving the host. Keel's passwords are 128 random bits: 48 bits of a
/// hash of one tell nothing usable about it.
/// </summary>
public static class PasswordFingerprint
{
    public static string Of(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("keel-password:" + password)))[..12];
}
