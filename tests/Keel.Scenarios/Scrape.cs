using System.Globalization;

namespace Keel.Scenarios;

/// <summary>Reads one agent's /metrics (Prometheus text) the way Prometheus would, for checks on single series.</summary>
internal static class Scrape
{
    public static async Task<string> TextAsync(string apiUrl, Keel.Os.Tls.ClientTls? tls)
    {
        using var http = Keel.Os.Tls.ClientTls.For(tls, TimeSpan.FromSeconds(5));
        return await http.GetStringAsync($"{apiUrl}/metrics");
    }

    /// <summary>
    /// The value of the series <paramref name="name"/> whose labels include every one of <paramref name="labels"/>
    /// ("key=\"value\""), or null when there is none.
    /// </summary>
    public static double? Value(string text, string name, params string[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) || !labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                continue;
            }
            var value = line[(line.LastIndexOf(' ') + 1)..];
            return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>Reads an agent's GET /events (server-sent events) in the background, line by line, until disposed.</summary>
    public sealed class EventStream : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _lines = [];
        private readonly Task _reading;
        private readonly TaskCompletionSource _live = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EventStream(string apiUrl, Keel.Os.Tls.ClientTls? tls)
        {
            _http = Keel.Os.Tls.ClientTls.For(tls, Timeout.InfiniteTimeSpan);
            _reading = ReadAsync(apiUrl);
        }

        /// <summary>Completes once the stream's first event (a ping) arrived: from then on nothing is missed.</summary>
        public Task Live => _live.Task;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        /// <summary>The data of every event of <paramref name="type"/> so far.</summary>
        public IReadOnlyList<string> Data(string type)
        {
            var lines = Lines;
            return [.. lines.Select((l, i) => (l, i)).Where(x => x.l == $"event: {type}" && x.i + 1 < lines.Count).Select(x => lines[x.i + 1]["data: ".Length..])];
        }

        private async Task ReadAsync(string apiUrl)
        {
            try
            {
                using var response = await _http.GetAsync($"{apiUrl}/events", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                await using var body = await response.Content.ReadAsStreamAsync(_stop.Token);
                using var reader = new StreamReader(body);
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    lock (_lines)
                    {
                        _lines.Add(line);
                    }
                    if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        _live.TrySetResult();
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
            {
                _live.TrySetException(ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _reading;
            _http.Dispose();
            _stop.Dispose();
        }
    }
}
