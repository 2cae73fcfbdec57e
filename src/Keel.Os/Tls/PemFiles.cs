using System.Security.Cryptography.X509Certificates;

namespace Keel.Os.Tls;

/// <summary>
/// A certificate (with its key, or a CA bundle without one) read from PEM files and read again whenever the files
/// change on disk, so a renewed certificate is used from the next TLS handshake on without a restart. A file caught
/// half-written keeps the last good copy until the next look.
/// </summary>
public sealed class PemFiles(string certFile, string? keyFile = null)
{
    private readonly Lock _gate = new();
    private string? _stamp;
    private X509Certificate2Collection _current = [];

    public string CertFile { get; } = certFile;

    /// <summary>The certificate with its private key (a server's or a client's own).</summary>
    public X509Certificate2 Certificate => Current()[0];

    /// <summary>Every certificate in the file (a CA bundle).</summary>
    public X509Certificate2Collection All => Current();

    private X509Certificate2Collection Current()
    {
        lock (_gate)
        {
            var stamp = Stamp();
            if (stamp == _stamp && _current.Count > 0)
            {
                return _current;
            }
            try
            {
                X509Certificate2Collection read;
                if (keyFile is null)
                {
                    read = [];
                    read.ImportFromPemFile(CertFile);
                }
                else
                {
                    read = [X509Certificate2.CreateFromPemFile(CertFile, keyFile)];
                }
                if (read.Count == 0)
                {
                    throw new InvalidDataException($"{CertFile} holds no PEM certificate");
                }
                _current = read;
                _stamp = stamp;
            }
            catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or InvalidDataException or UnauthorizedAccessException && _current.Count > 0)
            {
                // Caught between the key and the certificate of a renewal: the last good pair serves until the next look.
            }
            return _current;
        }
    }

    private string Stamp() => FileStamp.Of(new[] { CertFile, keyFile }.OfType<string>());
}
