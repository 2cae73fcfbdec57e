using System.Diagnostics;
using Keel.Os;
using Keel.Playground;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace Keel.Scenarios;

/// <summary>
/// The agents' web page (/ui) in a real browser: Debian's chromium, driven over the DevTools protocol by PuppeteerSharp,
/// against a real playground. Screenshots go to the playground's home, and also to $KEEL_UI_SCREENSHOTS when set
/// (docs/ui is refreshed that way).
/// </summary>
public sealed class WebPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_page_and_the_pod_labels_follow_a_failover_live_the_page_runs_a_switchover_and_shows_refusals_and_the_token_requirement()
    {
        // The same run checks the Kubernetes pod labels (sidecar mode's routing): each agent labels "its pod" (named
        // after its member) in an in-process fake of the pod API, driven through the real KubernetesClient.
        await using var podApi = await Keel.TestSupport.FakeKubernetesApi.StartAsync();
        foreach (var name in new[] { "m1", "m2", "m3" })
        {
            podApi.AddPod("keel-test", name);
        }
        await using var cluster = await PlaygroundCluster.StartAsync(output, agentYamlExtra: $"kubernetes:\n  api: {podApi.Url}\n  namespace: keel-test\n");
        var leader = (await cluster.ViewAsync()).Leader!.Name;
        // Served by a replica's agent: it outlives the primary's server, and any agent shows the whole cluster.
        var served = cluster.Spec.Members.First(m => m.Name != leader);
        var shots = new Screenshots(cluster.Layout.Home, output);
        await PodLabelsSayAsync(podApi, cluster, leader);

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ExternalPrograms.Path("chromium"),
            Headless = true,
            // The playground's CA is not in the browser's store; the page's own checks are what is tested here.
            AcceptInsecureCerts = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1150, Height = 1250 });
        await page.GoToAsync($"{cluster.Spec.ApiUrl(served)}/ui/", WaitUntilNavigation.Load);

        // Three members, the primary marked, the text alternative saying the same.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#topology g[data-member]').length === 3", new WaitForFunctionOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync($"() => document.body.dataset.leader === '{leader}'", new WaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal("primary", await page.EvaluateExpressionAsync<string>($"document.querySelector('#topology g[data-member=\"{leader}\"]').dataset.role"));
        var summary = await page.EvaluateExpressionAsync<string>("document.getElementById(document.getElementById('topology').getAttribute('aria-labelledby')).textContent");
        Assert.Contains($"Primary: {leader}.", summary, StringComparison.Ordinal);
        Assert.Equal(3, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#members tbody tr').length"));
        await page.WaitForFunctionAsync("() => document.querySelector('#live').textContent === 'live'", new WaitForFunctionOptions { Timeout = 30_000 });
        await shots.TakeAsync(page, "topology");

        // Every action is reachable by keyboard.
        var reached = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 12; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateExpressionAsync<string>("document.activeElement.id || document.activeElement.tagName"));
        }
        Assert.Superset(new HashSet<string>(["token", "target", "switchover", "pause"], StringComparer.Ordinal), reached);

        // No token yet: the page says it is required and asks nothing of the agent.
        await page.ClickAsync("#switchover");
        await page.WaitForFunctionAsync("() => document.querySelector('#action-result').textContent.includes('token is required')");
        Assert.Null((await cluster.ViewAsync()).Request);
        await page.TypeAsync("#token", cluster.Spec.ApiToken);
        await page.ClickAsync("#token-form button[type=submit]");
        Assert.DoesNotContain(cluster.Spec.ApiToken, page.Url, StringComparison.Ordinal);

        // The primary's server dies: the page shows the new primary without a reload, from the events stream.
        var marker = await page.EvaluateExpressionAsync<double>("window.__keel_marker = Math.random()");
        var pid = (await cluster.ViewAsync()).Members[leader].ServerPid!.Value;
        var killed = Stopwatch.StartNew();
        ProcessTools.Signal(pid, ProcessTools.SigKill);
        await page.WaitForFunctionAsync($"() => document.body.dataset.leader && document.body.dataset.leader !== '{leader}'", new WaitForFunctionOptions { Timeout = 30_000, PollingInterval = 20 });
        var seenAfter = killed.Elapsed;
        var promoted = await page.EvaluateExpressionAsync<string>("document.body.dataset.leader");
        output.WriteLine($"FIGURES the page showed {promoted} as the primary {seenAfter.TotalSeconds:0.00} s after {leader}'s server was killed");
        Assert.Equal(marker, await page.EvaluateExpressionAsync<double>("window.__keel_marker")); // the same page: no reload
        Assert.True(seenAfter < TimeSpan.FromSeconds(2), $"the page took {seenAfter.TotalSeconds:0.00} s to show the new primary");

        // Everyone healthy again (the old primary rejoins as a replica), then a target whose server hangs is refused, with the reason.
        await BothReplicasStreamFromAsync(cluster, promoted);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#members tbody td:nth-child(4)')].filter(td => td.textContent === 'streaming').length === 2", new WaitForFunctionOptions { Timeout = 30_000 });
        await shots.TakeAsync(page, "after-failover");
        await PodLabelsSayAsync(podApi, cluster, promoted);
        var stuck = (await cluster.ViewAsync()).Members.Values.Where(m => m.Name != promoted).OrderBy(m => m.Name, StringComparer.Ordinal).First();
        Assert.True(ProcessTools.Signal(stuck.ServerPid!.Value, Signals.SigStop));
        try
        {
            // Its agent publishes the hung server as unknown after a probe timeout; only then is it a bad target.
            await PlaygroundCluster.EventuallyAsync(async () =>
                (await cluster.ViewAsync()).Members.TryGetValue(stuck.Name, out var m) && m.Server == Keel.Core.Model.ServerStatus.Unknown ? "ok" : null, Generous, $"{stuck.Name} to be published as unknown");
            await page.WaitForFunctionAsync($"() => document.querySelector('#members tr[data-member=\"{stuck.Name}\"] td:nth-child(4)')?.textContent !== 'streaming'", new WaitForFunctionOptions { Timeout = 60_000 });
            await page.SelectAsync("#target", stuck.Name);
            await page.ClickAsync("#switchover");
            await page.WaitForSelectorAsync("#confirm[open]");
            Assert.Contains($"to {stuck.Name}", await page.EvaluateExpressionAsync<string>("document.querySelector('#confirm-text').textContent"), StringComparison.Ordinal);
            await page.ClickAsync("#confirm-ok");
            await page.WaitForFunctionAsync("() => document.querySelector('#action-result').textContent.startsWith('Refused:')", new WaitForFunctionOptions { Timeout = 30_000 });
            var refusal = await page.EvaluateExpressionAsync<string>("document.querySelector('#action-result').textContent");
            output.WriteLine(refusal);
            Assert.Contains(stuck.Name, refusal, StringComparison.Ordinal);
            await shots.TakeAsync(page, "refused");
        }
        finally
        {
            ProcessTools.Signal(stuck.ServerPid.Value, Signals.SigCont);
        }
        Assert.Equal(promoted, (await cluster.ViewAsync()).Leader!.Name);

        // A switchover from the page to a healthy replica, with the confirmation saying what will happen.
        await BothReplicasStreamFromAsync(cluster, promoted);
        var target = (await cluster.ViewAsync()).Members.Values.Where(m => m.Name != promoted && m.IoRunning && m.SqlRunning).OrderBy(m => m.Name, StringComparer.Ordinal).First().Name;
        await page.SelectAsync("#target", target);
        await page.ClickAsync("#switchover");
        await page.WaitForSelectorAsync("#confirm[open]");
        Assert.Contains($"Switch over from {promoted} to {target}", await page.EvaluateExpressionAsync<string>("document.querySelector('#confirm-text').textContent"), StringComparison.Ordinal);
        await page.ClickAsync("#confirm-ok");
        await page.WaitForFunctionAsync($"() => document.body.dataset.leader === '{target}'", new WaitForFunctionOptions { Timeout = 60_000 });
        Assert.Equal(target, (await cluster.ViewAsync()).Leader!.Name);
        await PodLabelsSayAsync(podApi, cluster, target);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#history tbody tr').length >= 2", new WaitForFunctionOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#decisions .agent').length === 3", new WaitForFunctionOptions { Timeout = 30_000 });
        await shots.TakeAsync(page, "after-switchover", fullPage: true);
    }

    /// <summary>Exactly one pod is labelled primary (<paramref name="primary"/>'s), and every pod is labelled healthy.</summary>
    private static Task PodLabelsSayAsync(Keel.TestSupport.FakeKubernetesApi api, PlaygroundCluster cluster, string primary) =>
        PlaygroundCluster.EventuallyAsync(() =>
        {
            var labels = cluster.Spec.Members.ToDictionary(m => m.Name, m => api.Labels("keel-test", m.Name));
            var ok = labels.All(l => l.Value.GetValueOrDefault("keel.io/role") == (l.Key == primary ? "primary" : "replica")
                && l.Value.GetValueOrDefault("keel.io/healthy") == "true" && l.Value.GetValueOrDefault("keel.io/cluster") == cluster.Spec.Cluster);
            return Task.FromResult(ok ? "ok" : null);
        }, Generous, $"the pod labels to name {primary} the only primary, every pod healthy");

    /// <summary>Both other members run their server, follow <paramref name="primary"/> and stream from it (fresh states, not the ones published before a failover).</summary>
    private static Task BothReplicasStreamFromAsync(PlaygroundCluster cluster, string primary) =>
        PlaygroundCluster.EventuallyAsync(async () =>
        {
            var view = await cluster.ViewAsync();
            var replicas = view.Members.Values.Where(m => m.Name != primary).ToList();
            return view.Leader?.Name == primary && replicas.Count == 2
                && replicas.All(m => m.Following == primary && m.IoRunning && m.SqlRunning && m.ServerPid is { } pid && Keel.Os.ProcFs.IsAlive(pid)) ? "ok" : null;
        }, Generous, $"both replicas to stream from {primary}");

    /// <summary>Screenshots into the playground's home and, with $KEEL_UI_SCREENSHOTS, into that directory too.</summary>
    private sealed class Screenshots(string home, ITestOutputHelper output)
    {
        public async Task TakeAsync(IPage page, string name, bool fullPage = false)
        {
            var file = Path.Combine(home, $"ui-{name}.png");
            await page.ScreenshotAsync(file, new ScreenshotOptions { FullPage = fullPage });
            if (Environment.GetEnvironmentVariable("KEEL_UI_SCREENSHOTS") is { Length: > 0 } dir)
            {
                Directory.CreateDirectory(dir);
                File.Copy(file, Path.Combine(dir, $"ui-{name}.png"), overwrite: true);
            }
            output.WriteLine($"screenshot {file}");
        }
    }
}
