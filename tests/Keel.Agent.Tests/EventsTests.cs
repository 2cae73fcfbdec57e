using System.Net;
using Keel.Agent.Api;
using Keel.Agent.Configuration;
using Keel.Agent.Ha;
using Keel.Agent.Requests;
using Keel.TestSupport;
using static Keel.Agent.Tests.Ticks;

namespace Keel.Agent.Tests;

/// <summary>The events stream: journal subscriptions, leadership changes, and GET /events over real HTTP.</summary>
public class EventsTests
{
    [Fact]
    public async Task A_subscriber_gets_the_backlog_it_asked_for_then_every_new_entry_once()
    {
        var journal = new DecisionJournal();
        journal.Add(new JournalEntry(Now, "m1", 100, "old"));
        journal.Add(new JournalEntry(Now.AddSeconds(2), "m1", 400, "recent"));
        using (var sub = journal.Subscribe(Now.AddSeconds(1)))
        {
            journal.Add(new JournalEntry(Now.AddSeconds(3), "m1", 201, "new"));
            Assert.Equal("recent", (await sub.Reader.ReadAsync()).Text);
            Assert.Equal("new", (await sub.Reader.ReadAsync()).Text);
            Assert.False(sub.Reader.TryRead(out _));
        }
        // A disposed subscription gets nothing more, and adding goes on.
        journal.Add(new JournalEntry(Now.AddSeconds(4), "m1", 100, "after"));
        using var fresh = journal.Subscribe();
        Assert.False(fresh.Reader.TryRead(out _));
    }

    [Fact]
    public void Leadership_changes_are_journaled_but_not_the_first_reading()
    {
        var status = new AgentStatus();
        status.Update(Tick(writable: false, leader: "m2", Now.AddSeconds(9)));
        status.Update(Tick(writable: false, leader: "m2", Now.AddSeconds(9)));
        status.Update(Tick(writable: false, leader: null, Now.AddSeconds(9)));
        status.Update(Tick(writable: true, leader: "m1", Now.AddSeconds(9)));
        var leaders = status.Journal.Since(DateTimeOffset.MinValue).Where(e => e.EventId == AgentStatus.LeaderChangedEventId).Select(e => e.Text).ToList();
        Assert.Equal(["nobody holds the leader key any more (it was m2)", "m1 holds the leader key now (it was nobody)"], leaders);
    }

    [Theory]
    [InlineData(100, "decision")]
    [InlineData(110, "leader")]
    [InlineData(200, "action")]
    [InlineData(201, "action")]
    [InlineData(302, "observation")]
    [InlineData(400, "observation")]
    [InlineData(700, "observation")]
    public void Event_types_follow_the_event_id_ranges(int id, string type) => Assert.Equal(type, EventsApi.TypeOf(id));

    [Fact]
    public async Task Get_events_streams_new_entries_as_server_sent_events()
    {
        var port = TestPaths.FreePort();
        var config = AgentConfigLoader.Parse($$"""
            cluster: prod
            member: { name: m1, host: 127.0.0.1, port: 3306, server_id: 1, data_dir: /tmp/none, run_dir: /tmp/none-run }
            api: { listen: "127.0.0.1:{{port}}" }
            etcd: { endpoints: [http://127.0.0.1:1] }
            users: { replication: { user: r, password: r }, admin: { user: a, password: a } }
            """, "agent.yaml");
        var status = new AgentStatus();
        await using var app = AgentApi.Build(config, status, new OperatorRequests(null!, TimeProvider.System), TimeProvider.System);
        await app.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"http://127.0.0.1:{port}/events?since=yesterday")).StatusCode);

        using var response = await http.GetAsync($"http://127.0.0.1:{port}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        // The stream opens with a ping: from then on nothing is missed.
        Assert.Equal("event: ping", await reader.ReadLineAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("", await reader.ReadLineAsync());
        status.Journal.Add(new JournalEntry(Now, "m1", 110, "m2 holds the leader key now (it was m1)"));
        status.Journal.Add(new JournalEntry(Now, "m1", 100, "Follow: m2 leads"));
        Assert.Equal("event: leader", await reader.ReadLineAsync());
        Assert.Equal("data: {\"at\":\"2026-11-22T12:00:00+00:00\",\"member\":\"m1\",\"event_id\":110,\"text\":\"m2 holds the leader key now (it was m1)\"}", await reader.ReadLineAsync());
        Assert.Equal("", await reader.ReadLineAsync());
        Assert.Equal("event: decision", await reader.ReadLineAsync());
        await app.StopAsync();
    }
}
