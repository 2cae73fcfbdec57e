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

    public void Add(JournalEntry entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > _capacity)
            {
                _entries.Dequeue();
            }
        }
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
