using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keel.Os;

namespace Keel.Playground;

/// <summary>
/// The playground's small CA and one certificate per member (server and replication client alike), made with .NET's
/// own X.509 classes, so no openssl run is needed. Files under HOME/tls: ca.pem and ca.key (kept, to sign members added
/// later), NAME.pem and NAME.key; every key 0600. Certificates name the member's address, 127.0.0.1 and localhost,
/// so clients verify the name as well as the signature.
/// </summary>
public static class PlaygroundTls
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(3650);

    public static string Dir(PlaygroundLayout layout) => Path.Combine(layout.Home, "tls");

    public static string CaFile(PlaygroundLayout layout) => Path.Combine(Dir(layout), "ca.pem");

    private static string CaKeyFile(PlaygroundLayout layout) => Path.Combine(Dir(layout), "ca.key");

    public static string CertFile(PlaygroundLayout layout, string member) => Path.Combine(Dir(layout), member + ".pem");

    public static string KeyFile(PlaygroundLayout layout, string member) => Path.Combine(Dir(layout), member + ".key");

    /// <summary>The certificate name of the playground's etcd members (one certificate serves all three on loopback).</summary>
    public const string EtcdName = "etcd";

    /// <summary>
    /// sysbench 1.0's --mysql-ssl=on reads cacert.pem, client-cert.pem and client-key.pem from its working directory (it
    /// has no options for them): this directory holds those names, with a client certificate from the playground's CA.
    /// </summary>
    public static string SysbenchDirectory(PlaygroundLayout layout) => Path.Combine(Dir(layout), "sysbench");

    /// <summary>Creates the CA if there is none and a certificate for each member that has none; existing files are kept.</summary>
    public static void Ensure(PlaygroundLayout layout, PlaygroundSpec spec)
    {
        EnsureCertificates(layout, spec.Members.Select(m => (m.Name, m.Address))
            .Append(("client", PlaygroundSpec.Host))
            .Append((EtcdName, spec.SwitchAddress ?? PlaygroundSpec.Host)));
        var sysbench = SysbenchDirectory(layout);
        if (!File.Exists(Path.Combine(sysbench, "client-key.pem")))
        {
            PrivateDirectory.Create(sysbench);
            AtomicFile.WriteAllText(Path.Combine(sysbench, "cacert.pem"), File.ReadAllText(CaFile(layout)));
            AtomicFile.WriteAllText(Path.Combine(sysbench, "client-cert.pem"), File.ReadAllText(CertFile(layout, "client")));
            AtomicFile.WriteSecret(Path.Combine(sysbench, "client-key.pem"), File.ReadAllText(KeyFile(layout, "client")));
        }
    }

    /// <summary>Issues <paramref name="member"/> a new certificate and key from the same CA (a renewal), replacing the files in place.</summary>
    public static void Renew(PlaygroundLayout layout, PlaygroundMember member)
    {
        var staging = Path.Combine(Dir(layout), "renew-" + member.Name);
        var renewed = layout with { Home = staging };
        PrivateDirectory.Create(Dir(renewed));
        File.Copy(CaFile(layout), CaFile(renewed), overwrite: true);
        File.Copy(CaKeyFile(layout), CaKeyFile(renewed), overwrite: true);
        EnsureCertificates(renewed, [(member.Name, member.Address)]);
        // Key first, then certificate, each replaced atomically: the server reloads both at its next FLUSH SSL.
        File.Move(KeyFile(renewed, member.Name), KeyFile(layout, member.Name), overwrite: true);
        File.Move(CertFile(renewed, member.Name), CertFile(layout, member.Name), overwrite: true);
        Directory.Delete(staging, recursive: true);
    }

    private static void EnsureCertificates(PlaygroundLayout layout, IEnumerable<(string Name, string Address)> members)
    {
        PrivateDirectory.Create(Dir(layout));
        var now = DateTimeOffset.UtcNow;
        if (!File.Exists(CaFile(layout)) || !File.Exists(CaKeyFile(layout)))
        {
            using var caKey = RSA.Create(2048);
            var request = new CertificateRequest("CN=Keel playground CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var ca = request.CreateSelfSigned(now.AddDays(-1), now + (2 * Validity));
            AtomicFile.WriteSecret(CaKeyFile(layout), caKey.ExportPkcs8PrivateKeyPem());
            AtomicFile.WriteAllText(CaFile(layout), ca.ExportCertificatePem());
        }
        using var issuer = X509Certificate2.CreateFromPemFile(CaFile(layout), CaKeyFile(layout));
        foreach (var m in members)
        {
            if (File.Exists(CertFile(layout, m.Name)) && File.Exists(KeyFile(layout, m.Name)))
            {
                continue;
            }
            using var key = RSA.Create(2048);
            var request = new CertificateRequest($"CN={m.Name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Parse(m.Address));
            if (m.Address != PlaygroundSpec.Host)
            {
                names.AddIpAddress(IPAddress.Parse(PlaygroundSpec.Host));
            }
            names.AddDnsName("localhost");
            names.AddDnsName(m.Name);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F; // a positive serial number
            // Never past the CA's own end (a certificate may not outlive its issuer).
            var notAfter = new DateTimeOffset(issuer.NotAfter.ToUniversalTime()).AddDays(-1);
            using var cert = request.Create(issuer, now.AddDays(-1), now + Validity < notAfter ? now + Validity : notAfter, serial);
            AtomicFile.WriteSecret(KeyFile(layout, m.Name), key.ExportPkcs8PrivateKeyPem());
            AtomicFile.WriteAllText(CertFile(layout, m.Name), cert.ExportCertificatePem());
        }
    }
}
