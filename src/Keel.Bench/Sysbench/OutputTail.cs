namespace Keel.Bench.Sysbench;

/// <summary>
/// Collects a process's output lines from the stdout and stderr reader threads, keeping only the last
/// <c>capacity</c> lines: the summary and the FATAL lines come last, and a run that logs a warning per
/// ignored error must not grow without bound.
/// </summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();
    private long _dropped;

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
                _dropped++;
            }
        }
    }

    public string Text
    {
        get
        {
            lock (_gate)
            {
                var kept = string.Join('\n', _lines);
                return _dropped == 0 ? kept : $"[{_dropped} earlier lines dropped]\n{kept}";
            }
        }
    }
}
