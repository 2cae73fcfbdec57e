using System.Security.Cryptography;
using System.Text;
using Keel.MySql.Protocol;

namespace Keel.MySql.Tests.Protocol;

public sealed class AuthScrambleTests
{
    private static readonly byte[] Salt = Encoding.ASCII.GetBytes("0123456789abcdefghij");

    [Fact]
    public void The_stored_hash_of_password_is_the_known_vector()
    {
        // The server's PASSWORD('password') (checked against MariaDB in ConnectTests) is '*' + this.
        Assert.Equal("2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19", Convert.ToHexString(NativePasswordVerifier.StoredHash("password")));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("p@ss w0rd ü")]
    public void The_native_password_proof_passes_the_servers_independent_check(string password)
    {
        var proof = AuthScramble.NativePassword(password, Salt);

        Assert.Equal(20, proof.Length);
        Assert.True(NativePasswordVerifier.Verify(proof, Salt, NativePasswordVerifier.StoredHash(password)));
        Assert.False(NativePasswordVerifier.Verify(proof, Salt, NativePasswordVerifier.StoredHash(password + "x")));
    }

    [Fact]
    public void The_native_password_proof_matches_a_direct_computation()
    {
        // SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))) spelled out step by step.
        var s1 = SHA1.HashData("password"u8.ToArray());
        var s2 = SHA1.HashData(s1);
        var salted = SHA1.HashData(Salt.Concat(s2).ToArray());
        var expected = s1.Select((b, i) => (byte)(b ^ salted[i])).ToArray();

        Assert.Equal(expected, AuthScramble.NativePassword("password", Salt));
    }

    [Fact]
    public void The_proof_depends_on_the_salt()
    {
        Assert.NotEqual(AuthScramble.NativePassword("pw", Salt), AuthScramble.NativePassword("pw", Salt.Reverse().ToArray()));
    }

    [Fact]
    public void An_empty_password_sends_an_empty_proof()
    {
        Assert.Empty(AuthScramble.NativePassword("", Salt));
        Assert.Empty(AuthScramble.CachingSha2("", Salt));
    }

    [Fact]
    public void The_caching_sha2_proof_is_32_bytes()
    {
        Assert.Equal(32, AuthScramble.CachingSha2("pw", Salt).Length);
    }
}
