using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Keel.TestSupport;

/// <summary>A throwaway CA in a directory, issuing PEM certificates for 127.0.0.1 (tests of TLS servers and clients).</summary>
public sealed class TestCertificates
{
    private readonly string _dir;

    public TestCertificates(string dir, string caName = "Keel test CA")
    {
        _dir = dir;
        Directory.CreateDirectory(dir);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={caName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "ca.key"), key.ExportPkcs8PrivateKeyPem());
    }

    public string CaFile => Path.Combine(_dir, "ca.pem");

    /// <summary>Issues (or re-issues, replacing the files) a certificate named <paramref name="name"/> for 127.0.0.1; returns (cert, key) paths.</summary>
    public (string Cert, string Key) Issue(string name)
    {
        using var issuer = X509Certificate2.CreateFromPemFile(CaFile, Path.Combine(_dir, "ca.key"));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var cert = request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), RandomNumberGenerator.GetBytes(12));
        var (certFile, keyFile) = (Path.Combine(_dir, name + ".pem"), Path.Combine(_dir, name + ".key"));
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        return (certFile, keyFile);
    }
}
