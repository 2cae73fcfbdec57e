using System.Net;
using Keel.Agent.Api;
using Microsoft.AspNetCore.Http;

namespace Keel.Agent.Tests;

/// <summary>The token check: right token passes, wrong or missing refused, five failures lock the address out for the window.</summary>
public class ApiAuthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = T0;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static HttpRequest Request(string? authorization, string address = "10.0.0.9")
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        return context.Request;
    }

    private static int? Status(IResult? result) => (result as IStatusCodeHttpResult)?.StatusCode;

    [Fact]
    public void The_right_token_passes_and_a_wrong_missing_or_longer_one_is_refused()
    {
        var auth = new ApiAuth("s3cret-token", "m1", new Clock());
        Assert.Null(auth.Denied(Request("Bearer s3cret-token")));
        Assert.Equal(401, Status(auth.Denied(Request("Bearer s3cret-tokeN"))));
        Assert.Equal(401, Status(auth.Denied(Request("Bearer s3cret-token-and-more"))));
        Assert.Equal(401, Status(auth.Denied(Request(null))));
        Assert.Equal(401, Status(auth.Denied(Request("s3cret-token"))));
    }

    [Fact]
    public void A_client_certificate_from_the_cluster_ca_stands_in_for_the_token_and_one_from_elsewhere_does_not()
    {
        var dir = Keel.TestSupport.TestPaths.NewTempDir("keel-auth-cert");
        try
        {
            var ca = new Keel.TestSupport.TestCertificates(Path.Combine(dir, "ca"));
            var other = new Keel.TestSupport.TestCertificates(Path.Combine(dir, "other"), "Other CA");
            var auth = new ApiAuth("s3cret-token", "m1", new Clock(), clients: new Keel.Os.Tls.CaTrust(ca.CaFile));
            HttpRequest WithCertificate((string Cert, string Key) files)
            {
                var request = Request(null);
                request.HttpContext.Connection.ClientCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(files.Cert, files.Key);
                return request;
            }
            Assert.Null(auth.Denied(WithCertificate(ca.Issue("operator"))));
            Assert.Equal(401, Status(auth.Denied(WithCertificate(other.Issue("stranger")))));
            Assert.Equal(401, Status(auth.Denied(Request(null))));
            Assert.Null(auth.Denied(Request("Bearer s3cret-token"))); // the token still works
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Without_a_configured_token_every_change_is_forbidden()
    {
        Assert.Equal(403, Status(new ApiAuth(null, "m1", new Clock()).Denied(Request("Bearer anything"))));
    }

    [Fact]
    public void Five_failures_lock_that_address_out_even_with_the_right_token_until_the_window_passes()
    {
        var clock = new Clock();
        var auth = new ApiAuth("tok", "m1", clock);
        for (var i = 0; i < FailedAuthLimiter.MaxFailures; i++)
        {
            Assert.Equal(401, Status(auth.Denied(Request("Bearer wrong"))));
        }
        var locked = Request("Bearer tok");
        Assert.Equal(429, Status(auth.Denied(locked)));
        Assert.Equal("30", locked.HttpContext.Response.Headers.RetryAfter.ToString());
        // Another address is not affected.
        Assert.Null(auth.Denied(Request("Bearer tok", "10.0.0.10")));
        clock.Now = T0.AddSeconds(29);
        Assert.Equal(429, Status(auth.Denied(Request("Bearer tok"))));
        clock.Now = T0 + FailedAuthLimiter.Window;
        Assert.Null(auth.Denied(Request("Bearer tok")));
        // A success forgets the failures.
        Assert.Equal(401, Status(auth.Denied(Request("Bearer wrong"))));
        Assert.Equal(1, auth.Limiter.Failed("10.0.0.9", clock.Now) - 1);
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_never_lock_out()
    {
        var limiter = new FailedAuthLimiter();
        for (var i = 0; i < 20; i++)
        {
            var at = T0 + (FailedAuthLimiter.Window * i);
            Assert.Equal(TimeSpan.Zero, limiter.RetryAfter("a", at));
            Assert.Equal(1, limiter.Failed("a", at));
        }
    }
}
