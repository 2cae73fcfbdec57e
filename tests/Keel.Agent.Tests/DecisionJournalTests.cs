using Keel.Agent.Ha;

namespace Keel.Agent.Tests;

public class DecisionJournalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Entries_come_back_oldest_first_from_the_asked_moment()
    {
        var journal = new DecisionJournal();
        journal.Add(new JournalEntry(T0, "m1", 100, "Follow: m2 leads"));
        journal.Add(new JournalEntry(T0.AddSeconds(1), "m1", 400, "the local server process 12 is gone"));
        journal.Add(new JournalEntry(T0.AddSeconds(2), "m1", 100, "StartServer: the local server is down"));

        Assert.Equal([400, 100], journal.Since(T0.AddSeconds(1)).Select(e => e.EventId));
        Assert.Equal(3, journal.Since(DateTimeOffset.MinValue).Count);
    }

    [Fact]
    public void The_oldest_entries_fall_off_past_the_capacity()
    {
        var journal = new DecisionJournal(capacity: 2);
        for (var i = 0; i < 5; i++)
        {
            journal.Add(new JournalEntry(T0.AddSeconds(i), "m1", 100, $"decision {i}"));
        }

        Assert.Equal(["decision 3", "decision 4"], journal.Since(DateTimeOffset.MinValue).Select(e => e.Text));
    }
}
