using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Agent.Api;
using Keel.Agent.Doctor;
using Keel.Agent.Store;
using Keel.Core.Doctor;
using Keel.Core.Model;
using Keel.Etcd;
using Spectre.Console;

namespace Keel.Cli;

/// <summary>
/// `keel doctor`: a preflight over every member. Each agent checks its own host (GET /doctor) and measures the links
/// from its peers (GET /doctor/network); the CLI adds what spans the cluster: unique server_ids, clock skew, etcd's
/// health. PASS / WARN / FAIL, exit code 1 on any FAIL. The CLI talks to etcd and the agents, never to MySQL.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var o = ClusterTarget.Options();
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var token = ClusterTarget.TokenOption();
        var minMbit = new Option<double>("--min-mbit") { Description = "a member-to-member link slower than this fails", DefaultValueFactory = _ => 100 };
        var maxRtt = new Option<double>("--max-rtt-ms") { Description = "a round trip above this warns (each commit waits one)", DefaultValueFactory = _ => 5 };
        var noNetwork = new Option<bool>("--no-network") { Description = "skip the link measurements (one second of full bandwidth per pair)" };
        var cmd = new Command("doctor", "Preflight: server versions and settings, timing, etcd, clocks, links, disks and HAProxy, PASS / WARN / FAIL")
        {
            o.Home, o.Etcd, o.Cluster, format, token, minMbit, maxRtt, noNetwork,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            using var target = ClusterTarget.Resolve(parse, o, "doctor");
            if (target is null)
            {
                return 2;
            }
            var (apiToken, tokenError) = target.ApiToken(parse.GetValue(token));
            if (tokenError is not null)
            {
                await Console.Error.WriteLineAsync($"keel doctor: {tokenError}");
                return 2;
            }
            ClusterView view;
            try
            {
                view = await target.Store.ReadAsync(ct);
            }
            catch (EtcdException ex)
            {
                await Console.Error.WriteLineAsync($"keel doctor: etcd is unreachable: {ex.Message}");
                return 2;
            }
            var checks = new List<DoctorCheck>();
            checks.AddRange(await EtcdChecksAsync(target.Endpoints, target.Tls, target.Store.Keys.Initialize, ct));
            checks.AddRange(await MemberChecksAsync(view, target.Tls, apiToken, parse.GetValue(noNetwork), parse.GetValue(minMbit), parse.GetValue(maxRtt), ct));
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(checks.Select(c => new { member = c.Member, check = c.Check, verdict = c.Verdict.ToString().ToUpperInvariant(), detail = c.Detail }),
                    new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Print(checks);
            }
            return checks.Any(c => c.Verdict == Verdict.Fail) ? 1 : 0;
        });
        return cmd;
    }

    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(15);

    private static async Task<IReadOnlyList<DoctorCheck>> MemberChecksAsync(ClusterView view, Keel.Os.Tls.ClientTls? tls, string? token, bool skipNetwork, double minMbit, double maxRtt, CancellationToken ct)
    {
        using var http = Keel.Os.Tls.ClientTls.For(tls, Timeout.InfiniteTimeSpan);
        var checks = new List<DoctorCheck>();
        var clocks = new List<ClusterDoctorRules.ClockReading>();
        var serverIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var links = new List<ClusterDoctorRules.LinkReading>();
        foreach (var name in view.Silent)
        {
            checks.Add(new DoctorCheck(name, "agent", Verdict.Fail, $"{name}'s agent has published no state (down or cut off from etcd): nothing on its host can be checked"));
        }
        foreach (var m in view.Members.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(AgentTimeout);
                var sent = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                var report = await http.GetFromJsonAsync($"{m.ApiUrl}/doctor", ApiJson.Default.LocalDoctorReport, cts.Token)
                    ?? throw new HttpRequestException("an empty answer");
                var half = clock.Elapsed / 2;
                clocks.Add(new ClusterDoctorRules.ClockReading(m.Name, report.Clock - (sent + half), half));
                checks.AddRange(report.Checks);
                if (report.ServerId is { } id)
                {
                    serverIds[m.Name] = id;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                checks.Add(new DoctorCheck(m.Name, "agent", Verdict.Fail, $"the agent at {m.ApiUrl} did not answer GET /doctor: {ex.Message}"));
            }
        }
        checks.AddRange(ServerSettingsRules.UniqueServerIds(serverIds));
        checks.AddRange(ClusterDoctorRules.ClockSkew(clocks));
        if (!skipNetwork && view.Members.Count > 1)
        {
            foreach (var m in view.Members.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                try
                {
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    cts.CancelAfter(TimeSpan.FromSeconds(30) * view.Members.Count);
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"{m.ApiUrl}/doctor/network");
                    if (token is not null)
                    {
                        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                    }
                    using var response = await http.SendAsync(request, cts.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        checks.Add(new DoctorCheck(m.Name, "network", Verdict.Fail, $"the agent refused the link test ({(int)response.StatusCode}): {(await response.Content.ReadAsStringAsync(cts.Token)).Trim()} (pass --token)"));
                        continue;
                    }
                    var report = await response.Content.ReadFromJsonAsync(ApiJson.Default.NetworkDoctorReport, cts.Token);
                    links.AddRange(report?.Links ?? []);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                {
                    checks.Add(new DoctorCheck(m.Name, "network", Verdict.Fail, $"the agent at {m.ApiUrl} did not measure its links: {ex.Message}"));
                }
            }
            checks.AddRange(ClusterDoctorRules.Links(links, minMbit, maxRtt));
        }
        return checks;
    }

    /// <summary>Each etcd endpoint on its own: its status (leader, DB size) and how long a read takes.</summary>
    private static async Task<IReadOnlyList<DoctorCheck>> EtcdChecksAsync(IReadOnlyList<Uri> endpoints, Keel.Os.Tls.ClientTls? tls, string key, CancellationToken ct)
    {
        // etcd's default --quota-backend-bytes; the status call does not report the configured one.
        const long DefaultQuota = 2L << 30;
        var readings = new List<ClusterDoctorRules.EtcdReading>();
        foreach (var url in endpoints)
        {
            using var one = new EtcdClient(new EtcdClientOptions { Endpoints = [url], RequestTimeout = TimeSpan.FromSeconds(3), Tls = tls });
            try
            {
                var status = await one.MemberStatusAsync(ct);
                var clock = Stopwatch.StartNew();
                await one.GetAsync(key, ct);
                readings.Add(new ClusterDoctorRules.EtcdReading(url.ToString(), $"{url.Host}:{url.Port}", status.LeaderId, status.MemberId, status.DbSize, DefaultQuota, clock.Elapsed.TotalMilliseconds));
            }
            catch (EtcdException ex)
            {
                readings.Add(new ClusterDoctorRules.EtcdReading(url.ToString(), null, null, null, 0, 0, 0, ex.Message));
            }
        }
        return ClusterDoctorRules.Etcd(readings);
    }

    private static void Print(IReadOnlyList<DoctorCheck> checks)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("keel doctor");
        foreach (var h in new[] { "Member", "Check", "Verdict", "Detail" })
        {
            table.AddColumn(h);
        }
        foreach (var c in checks.OrderBy(c => c.Member == "etcd" ? 0 : 1).ThenBy(c => c.Member, StringComparer.Ordinal))
        {
            var verdict = c.Verdict switch
            {
                Verdict.Pass => "[green]PASS[/]",
                Verdict.Warn => "[yellow]WARN[/]",
                _ => "[red]FAIL[/]",
            };
            table.AddRow(Markup.Escape(c.Member), Markup.Escape(c.Check), verdict, Markup.Escape(c.Detail));
        }
        ConsoleOutput.Create().Write(table);
        var fails = checks.Count(c => c.Verdict == Verdict.Fail);
        var warns = checks.Count(c => c.Verdict == Verdict.Warn);
        Console.WriteLine($"{checks.Count} checks: {checks.Count - fails - warns} passed, {warns} warned, {fails} failed");
    }
}
