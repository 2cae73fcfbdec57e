using System.Diagnostics;
using Keel.Core.Doctor;
using Keel.Core.Model;

namespace Keel.Agent.Doctor;

/// <summary>
/// Measures the links from each peer to this member the way iperf3 would, without iperf3: the round trip of small
/// requests to the peer's agent (median of five), and the throughput of a one-second burst the peer's agent streams
/// to this one (GET /doctor/burst). The peer sends, so this measures the peer→self direction; the peer's own probe
/// measures the other, and the doctor compares them.
/// </summary>
public sealed class LinkProbe(HttpClient http, string? token)
{
    public static readonly TimeSpan BurstLength = TimeSpan.FromSeconds(1);

    public async Task<ClusterDoctorRules.LinkReading> MeasureAsync(string self, MemberState peer, CancellationToken ct)
    {
        try
        {
            var rtts = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var clock = Stopwatch.StartNew();
                using var ping = await SendAsync($"{peer.ApiUrl}/liveness", TimeSpan.FromSeconds(5), ct);
                await ping.Content.ReadAsByteArrayAsync(ct);
                rtts.Add(clock.Elapsed.TotalMilliseconds);
            }
            rtts.Sort();
            var burst = Stopwatch.StartNew();
            long bytes = 0;
            using var whole = CancellationTokenSource.CreateLinkedTokenSource(ct);
            whole.CancelAfter(BurstLength + TimeSpan.FromSeconds(20));
            ct = whole.Token;
            using (var response = await SendAsync($"{peer.ApiUrl}/doctor/burst?ms={(int)BurstLength.TotalMilliseconds}", BurstLength + TimeSpan.FromSeconds(20), ct))
            {
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                {
                    bytes += n;
                }
            }
            var mbit = bytes * 8 / 1e6 / burst.Elapsed.TotalSeconds;
            return new ClusterDoctorRules.LinkReading(peer.Name, self, rtts[2], mbit);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return new ClusterDoctorRules.LinkReading(peer.Name, self, 0, 0, ex.Message);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string url, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
    }

    /// <summary>The sending side of a burst: zeros for <paramref name="length"/> (at most 3 s), as fast as the link takes them.</summary>
    public static async Task SendBurstAsync(Stream body, TimeSpan length, CancellationToken ct)
    {
        var chunk = new byte[1 << 16];
        var clock = Stopwatch.StartNew();
        var until = length > TimeSpan.FromSeconds(3) ? TimeSpan.FromSeconds(3) : length;
        while (clock.Elapsed < until && !ct.IsCancellationRequested)
        {
            await body.WriteAsync(chunk, ct);
        }
    }
}
