using System.Net;
using Keel.Agent.Clone;

namespace Keel.Agent.Tests;

/// <summary>A clone that cannot fit is refused before anything is streamed or written.</summary>
public sealed class CloneJoinerTests
{
    private sealed class DonorStub(long size) : HttpMessageHandler
    {
        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Paths.Add(request.RequestUri!.AbsolutePath);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"{size}\n") });
        }
    }

    [Fact]
    public async Task Not_enough_disk_is_refused_with_the_bytes_needed_and_free_before_streaming()
    {
        var dir = Path.Combine(Path.GetTempPath(), "keel-joiner-" + Guid.NewGuid().ToString("N"));
        var donor = new DonorStub(size: 2_000_000_000);
        using var http = new HttpClient(donor);
        var joiner = new CloneJoiner(http, "token", TimeProvider.System, _ => { }, freeSpace: _ => 1_500_000_000);
        try
        {
            var ex = await Assert.ThrowsAsync<CloneRefusedException>(() =>
                joiner.CloneAsync("m2", "http://donor:1", Path.Combine(dir, "data"), null, CancellationToken.None));
            Assert.Contains("the copy needs 2200.0 MB (2000.0 MB plus 10 %)", ex.Message, StringComparison.Ordinal);
            Assert.Contains("has 1500.0 MB free", ex.Message, StringComparison.Ordinal);
            Assert.Equal(["/clone/size"], donor.Paths); // never asked for the stream
            Assert.False(Directory.Exists(CloneJoiner.CloneDir(Path.Combine(dir, "data"))));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Without_a_token_nothing_is_asked_of_the_donor()
    {
        var donor = new DonorStub(size: 1);
        using var http = new HttpClient(donor);
        var joiner = new CloneJoiner(http, token: null, TimeProvider.System, _ => { });
        var ex = await Assert.ThrowsAsync<CloneRefusedException>(() => joiner.CloneAsync("m2", "http://donor:1", "/nonexistent/data", null, CancellationToken.None));
        Assert.Contains("no api.token", ex.Message, StringComparison.Ordinal);
        Assert.Empty(donor.Paths);
    }
}
