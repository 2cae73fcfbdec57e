using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Keel.Agent.Api;
using Keel.Agent.Configuration;
using Keel.Agent.Ha;
using Keel.Agent.Requests;
using Keel.Os.Tls;
using Keel.TestSupport;

namespace Keel.Agent.Tests;

/// <summary>The agent API over HTTPS (tls.api): who can reach it, and renewed certificates taken without a restart.</summary>
public sealed class HttpsApiTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir("keel-https");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AgentConfig Config(int port, TestCertificates ca, (string Cert, string Key) own, string extraApi = "") => AgentConfigLoader.Parse($$"""
        cluster: prod
        member: { name: m1, host: 127.0.0.1, port: 3306, server_id: 1, data_dir: /tmp/none, run_dir: /tmp/none-run }
        api: { listen: "127.0.0.1:{{port}}"{{extraApi}} }
        etcd: { endpoints: [http://127.0.0.1:1] }
        users: { replication: { user: r, password: r }, admin: { user: a, password: a } }
        tls: { ca: {{ca.CaFile}}, cert: {{own.Cert}}, key: {{own.Key}} }
        """, "agent.yaml");

    [Fact]
    public async Task The_api_serves_https_to_clients_that_trust_the_cluster_ca_and_nothing_else()
    {
        var ca = new TestCertificates(Path.Combine(_dir, "ca"));
        var port = TestPaths.FreePort();
        var config = Config(port, ca, ca.Issue("m1"));
        Assert.Equal($"https://127.0.0.1:{port}", config.Api.Url);
        await using var app = AgentApi.Build(config, new AgentStatus(), new OperatorRequests(null!, TimeProvider.System), TimeProvider.System);
        await app.StartAsync();

        using (var trusting = ClientTls.For(new ClientTls(ca.CaFile), TimeSpan.FromSeconds(10)))
        {
            // 503: no tick yet, but the TLS handshake and the request went through.
            var answer = await trusting.GetAsync($"{config.Api.Url}/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        }
        // The system's store does not know the cluster's CA.
        using (var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"{config.Api.Url}/health"));
            await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"http://127.0.0.1:{port}/health"));
        }
        // A server certificate from another CA is not a member, even with the right name.
        var stranger = new TestCertificates(Path.Combine(_dir, "other"), "Other CA");
        using (var strict = ClientTls.For(new ClientTls(stranger.CaFile), TimeSpan.FromSeconds(10)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync($"{config.Api.Url}/health"));
        }
        await app.StopAsync();
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_to_new_connections_without_a_restart()
    {
        var ca = new TestCertificates(Path.Combine(_dir, "ca"));
        var port = TestPaths.FreePort();
        var first = ca.Issue("m1");
        var config = Config(port, ca, first);
        await using var app = AgentApi.Build(config, new AgentStatus(), new OperatorRequests(null!, TimeProvider.System), TimeProvider.System);
        await app.StartAsync();
        var before = await ServedSerialAsync(ca, config.Api.Url);
        Thread.Sleep(20); // a later modification time than the first files'
        ca.Issue("m1");
        var after = await ServedSerialAsync(ca, config.Api.Url);
        Assert.NotEqual(before, after);
        X509Certificate2Collection renewed = [];
        renewed.ImportFromPemFile(config.Tls!.Cert);
        Assert.Equal(renewed[0].SerialNumber, after);
        await app.StopAsync();
    }

    [Fact]
    public void An_http_url_for_an_https_api_and_https_etcd_without_tls_are_refused_by_field()
    {
        var ca = new TestCertificates(Path.Combine(_dir, "ca"));
        var port = TestPaths.FreePort();
        var ex = Assert.Throws<ConfigException>(() => Config(port, ca, ca.Issue("m1"), ", url: \"http://db1:8008\""));
        Assert.Contains("api.url", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://", ex.Message, StringComparison.Ordinal);
        var noTls = Assert.Throws<ConfigException>(() => AgentConfigLoader.Parse("""
            cluster: prod
            member: { name: m1, host: 127.0.0.1, port: 3306, server_id: 1, data_dir: /tmp/none, run_dir: /tmp/none-run }
            api: { listen: "127.0.0.1:8008" }
            etcd: { endpoints: [https://127.0.0.1:2379] }
            users: { replication: { user: r, password: r }, admin: { user: a, password: a } }
            """, "agent.yaml"));
        Assert.Contains("etcd.endpoints", noTls.Message, StringComparison.Ordinal);
        Assert.Contains("need the tls section", noTls.Message, StringComparison.Ordinal);
        // tls.api: false keeps plain HTTP beside TLS for MariaDB.
        var (cert, key) = ca.Issue("m2");
        var plainApi = AgentConfigLoader.Parse($$"""
            cluster: prod
            member: { name: m1, host: 127.0.0.1, port: 3306, server_id: 1, data_dir: /tmp/none, run_dir: /tmp/none-run }
            api: { listen: "127.0.0.1:8008" }
            etcd: { endpoints: [http://127.0.0.1:2379] }
            users: { replication: { user: r, password: r }, admin: { user: a, password: a } }
            tls: { ca: {{ca.CaFile}}, cert: {{cert}}, key: {{key}}, api: false }
            """, "agent.yaml");
        Assert.Equal("http://127.0.0.1:8008", plainApi.Api.Url);
    }

    /// <summary>The serial number of the certificate the server shows on a new connection (checked against the CA).</summary>
    private static async Task<string> ServedSerialAsync(TestCertificates ca, string url)
    {
        string? serial = null;
        var tls = new ClientTls(ca.CaFile);
        using var handler = tls.Apply(new SocketsHttpHandler());
        var check = handler.SslOptions.RemoteCertificateValidationCallback!;
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, cert, chain, errors) =>
        {
            serial = cert is null ? null : new X509Certificate2(cert).SerialNumber;
            return check(sender, cert, chain, errors);
        };
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(10) };
        using var _ = await http.GetAsync($"{url}/health");
        return serial ?? throw new InvalidOperationException("no certificate was shown");
    }
}
