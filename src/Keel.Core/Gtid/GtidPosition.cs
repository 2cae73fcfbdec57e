using System.Collections.Immutable;

namespace Keel.Core.Gtid;

/// <summary>How two GTID positions relate.</summary>
public enum GtidOrder
{
    Equal,
    Ahead,
    Behind,
    /// <summary>Each has something the other lacks: histories have diverged (errant transactions).</summary>
    Diverged,
}

/// <summary>
/// A MariaDB GTID position (<c>gtid_binlog_pos</c>, <c>gtid_slave_pos</c>, <c>Gtid_IO_Pos</c>): the last GTID of each
/// replication domain. With gtid_strict_mode sequence numbers only grow within a domain, so one position contains
/// another when it is at least as far in every domain. The server id is kept for display and errant checks but does
/// not order positions: after a failover the same domain continues with another server id.
/// </summary>
public sealed record GtidPosition
{
    public static readonly GtidPosition Empty = new(ImmutableSortedDictionary<uint, Gtid>.Empty);

    private GtidPosition(ImmutableSortedDictionary<uint, Gtid> byDomain) => ByDomain = byDomain;

    public ImmutableSortedDictionary<uint, Gtid> ByDomain { get; }

    public bool IsEmpty => ByDomain.IsEmpty;

    /// <summary>Sum of sequence numbers over domains: a count of transactions for ranking and lag display.</summary>
    public ulong TransactionCount => ByDomain.Values.Aggregate(0UL, (sum, g) => sum + g.Sequence);

    public static GtidPosition Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty;
        }
        var builder = ImmutableSortedDictionary.CreateBuilder<uint, Gtid>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var gtid = Gtid.Parse(part);
            if (builder.TryGetValue(gtid.Domain, out var existing) && existing.Sequence >= gtid.Sequence)
            {
                continue;
            }
            builder[gtid.Domain] = gtid;
        }
        return new GtidPosition(builder.ToImmutable());
    }

    /// <summary>Like <see cref="Parse"/>, but false for text that is not a position (a peer's record is input, not a given).</summary>
    public static bool TryParse(string? text, out GtidPosition position)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Any(p => !Gtid.TryParse(p, out _)))
        {
            position = Empty;
            return false;
        }
        position = Parse(text);
        return true;
    }

    public static GtidPosition Of(params Gtid[] gtids) => Parse(string.Join(',', gtids.Select(g => g.ToString())));

    /// <summary>True when this position has every transaction of <paramref name="other"/>.</summary>
    public bool Contains(GtidPosition other) =>
        other.ByDomain.All(kv => ByDomain.TryGetValue(kv.Key, out var mine) && mine.Sequence >= kv.Value.Sequence);

    public GtidOrder CompareWith(GtidPosition other)
    {
        var containsOther = Contains(other);
        var otherContainsThis = other.Contains(this);
        return (containsOther, otherContainsThis) switch
        {
            (true, true) => GtidOrder.Equal,
            (true, false) => GtidOrder.Ahead,
            (false, true) => GtidOrder.Behind,
            _ => GtidOrder.Diverged,
        };
    }

    /// <summary>Transactions in this position beyond <paramref name="other"/>, summed over domains (0 if none).</summary>
    public ulong TransactionsBeyond(GtidPosition other) =>
        ByDomain.Aggregate(0UL, (sum, kv) =>
        {
            var theirs = other.ByDomain.TryGetValue(kv.Key, out var g) ? g.Sequence : 0UL;
            return sum + (kv.Value.Sequence > theirs ? kv.Value.Sequence - theirs : 0UL);
        });

    /// <summary>The furthest GTID of each domain found in either position.</summary>
    public GtidPosition Union(GtidPosition other)
    {
        var builder = ByDomain.ToBuilder();
        foreach (var (domain, gtid) in other.ByDomain)
        {
            if (!builder.TryGetValue(domain, out var mine) || mine.Sequence < gtid.Sequence)
            {
                builder[domain] = gtid;
            }
        }
        return new GtidPosition(builder.ToImmutable());
    }

    public override string ToString() => string.Join(',', ByDomain.Values.Select(g => g.ToString()));
}
