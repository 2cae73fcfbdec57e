using System.Threading.Channels;

namespace Keel.Agent.Ha;

/// <summary>One thing an agent decided, did or saw, as <c>GET /decisions</c> returns it. Event ids are the log's.</summary>
public sealed record JournalEntry(DateTimeOffset At, string Member, int EventId, string Text);

/// <summary>
/// The agent's recent decisions in memory, so that an operator (or `keel bench ha` against a remote cluster) can ask
/// a member why it acted without reading its log files. Bounded: the oldest entries fall off.
/// </summary>
public sealed class DecisionJournal
{
    public const int DefaultCapacity = 500;
    private readonly Queue<JournalEntry> _entries = new();
    private readonly int _capacity;
#pragma warning disable IDE0330 // System.Threading.Lock: a plain object lock reads the same and is enough here.
    private readonly object _gate = new();
#pragma warning restore IDE0330

    public DecisionJournal(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    private readonly List<Channel<JournalEntry>> _subscribers = [];

    /// <summary>A subscriber that does not keep up loses its oldest entries beyond this many (it never slows the loop).</summary>
    public const int SubscriberBuffer = 256;

    public void Add(JournalEntry entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > _capacity)
            {
                _entries.Dequeue();
            }
            foreach (var s in _subscribers)
            {
                s.Writer.TryWrite(entry);
            }
        }
    }

    /// <summary>
    /// Every entry added from now on, for <c>GET /events</c>, with the entries at or after <paramref name="since"/> first
    /// (none when null); no entry is missed or repeated between the two. Dispose the subscription to end it.
    /// </summary>
    public Subscription Subscribe(DateTimeOffset? since = null)
    {
        var channel = Channel.CreateBounded<JournalEntry>(new BoundedChannelOptions(SubscriberBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            foreach (var e in since is { } from ? _entries.Where(e => e.At >= from) : [])
            {
                channel.Writer.TryWrite(e);
            }
            _subscribers.Add(channel);
        }
        return new Subscription(this, channel);
    }

    private void Unsubscribe(Channel<JournalEntry> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }
        channel.Writer.TryComplete();
    }

    /// <summary>One reader of the journal's new entries.</summary>
    public sealed class Subscription(DecisionJournal journal, Channel<JournalEntry> channel) : IDisposable
    {
        public ChannelReader<JournalEntry> Reader => channel.Reader;

        public void Dispose() => journal.Unsubscribe(channel);
    }

    /// <summary>Entries at or after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Since(DateTimeOffset since)
    {
        lock (_gate)
        {
            return _entries.Where(e => e.At >= since).ToList();
        }
    }
}
