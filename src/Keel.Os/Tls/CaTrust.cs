using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Keel.Os.Tls;

/// <summary>
/// Whether a certificate chains to the cluster's CA (custom root trust: the system's store is not consulted, a
/// certificate from a public CA is not a member). The CA file is read again when it changes.
/// </summary>
public sealed class CaTrust(string caFile)
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly PemFiles _ca = new(caFile);

    public string CaFile => caFile;

    /// <summary>The chain from <paramref name="certificate"/> ends at the CA (with <paramref name="intermediates"/> as presented).</summary>
    public bool Vouches(X509Certificate2 certificate, IEnumerable<X509Certificate2>? intermediates = null, bool forClients = false)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_ca.All);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (forClients)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);
        }
        foreach (var extra in intermediates ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(extra);
        }
        return chain.Build(certificate);
    }
}
