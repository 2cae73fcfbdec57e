using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Keel.Agent.Api;
using Keel.Playground;

namespace Keel.Cli;

/// <summary>
/// `keel step-down`: before a member goes away on purpose (a Kubernetes preStop hook, a host's shutdown, maintenance),
/// hand its primary role over with a planned switchover and wait until another member is the primary. A member that is
/// not the primary has nothing to hand over. Asks the member's own agent (its API), like a preStop hook would.
/// </summary>
internal static class StepDownCommand
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static Command Create()
    {
        var home = CommonOptions.Home();
        var member = new Option<string?>("--member") { Description = "the playground member to step down (with --home)" };
        var api = new Option<string?>("--api") { Description = "the member's agent API, e.g. https://127.0.0.1:8008 (not a playground; the CA from $KEEL_TLS_CA)" };
        var tokenFile = ClusterTarget.TokenOption();
        var wait = new Option<int>("--wait") { Description = "seconds to wait for another member to take over", DefaultValueFactory = _ => 60 };
        var cmd = new Command("step-down", "If this member is the primary, hand over with a planned switchover and wait until another member is the primary") { home, member, api, tokenFile, wait };
        cmd.SetAction(async (parse, ct) =>
        {
            var (url, tls, token, error) = Resolve(parse.GetValue(home), parse.GetValue(member), parse.GetValue(api), parse.GetValue(tokenFile));
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"keel step-down: {error}");
                return 2;
            }
            using var http = Keel.Os.Tls.ClientTls.For(tls, CallTimeout);
            try
            {
                return await StepDownAsync(http, url!, token, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(wait))), ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                await Console.Error.WriteLineAsync($"keel step-down: the agent at {url} did not answer: {ex.Message}");
                return 1;
            }
        });
        return cmd;
    }

    private static (string? Url, Keel.Os.Tls.ClientTls? Tls, string? Token, string? Error) Resolve(string? home, string? member, string? api, string? tokenFile)
    {
        var (token, tokenError) = SecretInput.Read(tokenFile, "--token-file", "KEEL_API_TOKEN");
        if (tokenError is not null)
        {
            return (null, null, null, tokenError);
        }
        if (api is not null)
        {
            return Uri.TryCreate(api, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? (api.TrimEnd('/'), Keel.Os.Tls.ClientTls.FromEnvironment(), token, null)
                : (null, null, null, $"--api '{api}' is not an http(s) URL such as https://127.0.0.1:8008");
        }
        var layout = PlaygroundLayout.Resolve(home);
        var spec = new PlaygroundRunner(layout, TextWriter.Null).LoadSpec();
        if (spec is null)
        {
            return (null, null, null, $"no playground in {layout.Home} (pass --api URL for a member that is not in a playground)");
        }
        if (member is null || spec.Members.FirstOrDefault(m => m.Name == member) is not { } m)
        {
            return (null, null, null, $"--member must name a member of the playground ({string.Join(", ", spec.Members.Select(x => x.Name))})");
        }
        return (spec.ApiUrl(m), spec.ClientTls, token ?? spec.ApiToken, null);
    }

    private static async Task<int> StepDownAsync(HttpClient http, string api, string? token, TimeSpan wait, CancellationToken ct)
    {
        var self = await ReportAsync(http, api, ct);
        if (!self.Primary)
        {
            Console.WriteLine($"{self.Name} is not the primary ({self.Leader ?? "nobody"} is); nothing to hand over");
            return 0;
        }
        if (token is null)
        {
            await Console.Error.WriteLineAsync("keel step-down: a switchover needs the agents' token (--token-file or $KEEL_API_TOKEN)");
            return 2;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{api}/switchover");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(request, ct);
        var text = (await answer.Content.ReadAsStringAsync(ct)).Trim();
        if (answer.StatusCode != HttpStatusCode.Accepted)
        {
            // Refused (no replica can take over, a switchover already runs, ...): the caller's shutdown goes on, and
            // the cluster fails over when this member's lease lapses.
            await Console.Error.WriteLineAsync($"keel step-down: {self.Name} could not hand over: {text}");
            return 1;
        }
        Console.WriteLine(text);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < wait)
        {
            await Task.Delay(Poll, ct);
            var now = await ReportAsync(http, api, ct);
            if (!now.Primary && now.Leader is { } leader && leader != self.Name)
            {
                Console.WriteLine($"{self.Name} stepped down: {leader} is the primary ({clock.Elapsed.TotalSeconds:0.00} s)");
                return 0;
            }
        }
        await Console.Error.WriteLineAsync($"keel step-down: no other member took over within {wait.TotalSeconds:0} s");
        return 1;
    }

    private sealed record Report(string Name, bool Primary, string? Leader);

    /// <summary>GET /primary: 200 on the writable leaseholder; the body names this member and the leader either way.</summary>
    private static async Task<Report> ReportAsync(HttpClient http, string api, CancellationToken ct)
    {
        using var answer = await http.GetAsync($"{api}/primary", ct);
        if (answer.StatusCode == HttpStatusCode.ServiceUnavailable && answer.Content.Headers.ContentType?.MediaType != "application/json")
        {
            throw new HttpRequestException($"the agent has not completed a tick yet");
        }
        var body = await answer.Content.ReadFromJsonAsync(ApiJson.Default.MemberReport, ct) ?? throw new HttpRequestException("an empty answer");
        return new Report(body.Member.Name, answer.StatusCode == HttpStatusCode.OK, body.Leader);
    }
}
