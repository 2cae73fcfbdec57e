using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.TestSupport;

/// <summary>
/// A FAKE of the Kubernetes API, in-process over plain HTTP, holding only what Keel's pod labelling uses: GET and
/// PATCH (JSON merge patch) of pods' labels. No Kubernetes API server can run on this kind of machine; the real
/// KubernetesClient is pointed at this, so the client code, its requests and its error handling are exercised. It
/// is not a model of Kubernetes beyond those two calls.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _pods = new(StringComparer.Ordinal);
    private int _patches;

    private FakeKubernetesApi(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>How many PATCH requests were accepted.</summary>
    public int Patches => _patches;

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var port = TestPaths.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}", (string ns, string name) =>
            fake._pods.TryGetValue(Key(ns, name), out var labels) ? Results.Text(PodJson(ns, name, labels), "application/json") : NotFound(name));
        app.MapMethods("/api/v1/namespaces/{ns}/pods/{name}", ["PATCH"], async (HttpRequest request, string ns, string name) =>
        {
            if (request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
            {
                return Results.Text($"{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"UnsupportedMediaType\",\"code\":415}}", "application/json", statusCode: 415);
            }
            if (!fake._pods.TryGetValue(Key(ns, name), out var labels))
            {
                return NotFound(name);
            }
            var body = await JsonNode.ParseAsync(request.Body);
            lock (labels)
            {
                if (body?["metadata"]?["labels"] is JsonObject patch)
                {
                    foreach (var (k, v) in patch)
                    {
                        if (v is null)
                        {
                            labels.Remove(k);
                        }
                        else
                        {
                            labels[k] = v.GetValue<string>();
                        }
                    }
                }
            }
            Interlocked.Increment(ref fake._patches);
            return Results.Text(PodJson(ns, name, labels), "application/json");
        });
        await app.StartAsync();
        return fake;
    }

    /// <summary>A pod the fake knows, with no labels yet (PATCH of an unknown pod is a 404, as in Kubernetes).</summary>
    public void AddPod(string ns, string name) => _pods.TryAdd(Key(ns, name), new Dictionary<string, string>(StringComparer.Ordinal));

    public IReadOnlyDictionary<string, string> Labels(string ns, string name)
    {
        var labels = _pods[Key(ns, name)];
        lock (labels)
        {
            return new Dictionary<string, string>(labels, StringComparer.Ordinal);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static string Key(string ns, string name) => ns + "/" + name;

    private static IResult NotFound(string name) =>
        Results.Text($"{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"pods \\\"{name}\\\" not found\",\"reason\":\"NotFound\",\"code\":404}}", "application/json", statusCode: 404);

    private static string PodJson(string ns, string name, Dictionary<string, string> labels)
    {
        lock (labels)
        {
            return JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new Dictionary<string, object> { ["name"] = name, ["namespace"] = ns, ["labels"] = labels },
            });
        }
    }
}
