using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Keel.Os.Tls;

/// <summary>
/// How a Keel client reaches a TLS server it runs beside (an agent's HTTPS API, etcd): the server's certificate must
/// chain to <see cref="CaFile"/> (a private CA, not the system's store) and name the host dialled; with
/// <see cref="CertFile"/> and <see cref="KeyFile"/> the client also shows a certificate of its own (etcd's
/// --client-cert-auth). The files are read again when they change.
/// </summary>
public sealed class ClientTls(string caFile, string? certFile = null, string? keyFile = null)
{
    // A class, not a record: `with` would copy the cached files below along with new names.
    private CaTrust Ca { get; } = new(caFile);

    private PemFiles? Own { get; } = certFile is not null && keyFile is not null ? new(certFile, keyFile) : null;

    public string CaFile => caFile;

    public string? CertFile => certFile;

    public string? KeyFile => keyFile;

    /// <summary>
    /// For a cluster that is not a playground: KEEL_TLS_CA (the cluster's CA), and KEEL_TLS_CERT with KEEL_TLS_KEY (a
    /// client certificate for etcd's --client-cert-auth), as etcdctl reads ETCDCTL_CACERT; null without KEEL_TLS_CA.
    /// </summary>
    public static ClientTls? FromEnvironment() =>
        Environment.GetEnvironmentVariable("KEEL_TLS_CA") is { Length: > 0 } ca
            ? new ClientTls(ca, NonEmpty("KEEL_TLS_CERT"), NonEmpty("KEEL_TLS_KEY"))
            : null;

    private static string? NonEmpty(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>Sets the handler's certificate checks (and client certificate); plain http:// addresses are unaffected.</summary>
    public SocketsHttpHandler Apply(SocketsHttpHandler handler)
    {
        handler.SslOptions.RemoteCertificateValidationCallback = Validate;
        if (Own is { } own)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => own.Certificate;
        }
        return handler;
    }

    /// <summary>An HttpClient that trusts this CA; no proxy from the environment (cluster traffic stays direct).</summary>
    public HttpClient HttpClient(TimeSpan timeout) => For(this, timeout);

    /// <summary>An HttpClient for <paramref name="tls"/>, or a plain one when the cluster runs without TLS.</summary>
    public static HttpClient For(ClientTls? tls, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, UseCookies = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        return new HttpClient(tls?.Apply(handler) ?? handler, disposeHandler: true) { Timeout = timeout };
    }

    /// <summary>
    /// The chain must end at this CA; a wrong or missing host name fails as it would with the system store. The
    /// system's roots are not consulted: a certificate from a public CA is not a cluster member.
    /// </summary>
    private bool Validate(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }
        using var leaf = new X509Certificate2(certificate);
        return Ca.Vouches(leaf, presented?.ChainElements.Select(e => e.Certificate));
    }
}
