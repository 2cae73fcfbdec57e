using Keel.Etcd.Server;
using Keel.Os.Tls;
using Keel.TestSupport;

namespace Keel.Etcd.Tests;

/// <summary>A real etcd with --client-cert-auth: Keel's client gets in with a certificate from the CA, and only then.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Etcd_over_tls_takes_clients_with_a_certificate_from_its_ca_and_refuses_the_others()
    {
        TestCertificates? ca = null;
        ClientTls? client = null;
        await using var etcd = await EtcdInstance.StartAsync("etcd-tls", dir =>
        {
            ca = new TestCertificates(Path.Combine(dir, "tls"));
            var (cert, key) = ca.Issue("etcd");
            var (clientCert, clientKey) = ca.Issue("client");
            client = new ClientTls(ca.CaFile, clientCert, clientKey);
            return new EtcdServerTls(cert, key, ca.CaFile, client);
        });
        Assert.Equal("https", etcd.Url.Scheme);

        using (var trusted = new EtcdClient(new EtcdClientOptions { Endpoints = [etcd.Url], Tls = client }))
        {
            await trusted.PutAsync("keel/tls-probe", "yes", ct: CancellationToken.None);
            Assert.Equal("yes", Assert.Single((await trusted.GetAsync("keel/tls-probe", CancellationToken.None)).Kvs).Value);
        }

        // The CA but no certificate of its own: etcd ends the handshake.
        using (var anonymous = new EtcdClient(new EtcdClientOptions { Endpoints = [etcd.Url], Tls = new ClientTls(ca!.CaFile), RequestTimeout = TimeSpan.FromSeconds(2) }))
        {
            await Assert.ThrowsAnyAsync<EtcdException>(() => anonymous.GetAsync("keel/tls-probe", CancellationToken.None));
        }

        // A certificate from another CA, and etcd's own certificate checked against the wrong CA: refused both ways.
        var stranger = new TestCertificates(Path.Combine(etcd.Dir, "stranger"), "Stranger CA");
        var (strangerCert, strangerKey) = stranger.Issue("client");
        using (var foreign = new EtcdClient(new EtcdClientOptions { Endpoints = [etcd.Url], Tls = new ClientTls(ca.CaFile, strangerCert, strangerKey), RequestTimeout = TimeSpan.FromSeconds(2) }))
        {
            await Assert.ThrowsAnyAsync<EtcdException>(() => foreign.GetAsync("keel/tls-probe", CancellationToken.None));
        }
        using (var misled = new EtcdClient(new EtcdClientOptions { Endpoints = [etcd.Url], Tls = new ClientTls(stranger.CaFile, client!.CertFile, client.KeyFile), RequestTimeout = TimeSpan.FromSeconds(2) }))
        {
            await Assert.ThrowsAnyAsync<EtcdException>(() => misled.GetAsync("keel/tls-probe", CancellationToken.None));
        }
    }
}
