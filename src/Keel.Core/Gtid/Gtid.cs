using System.Globalization;

namespace Keel.Core.Gtid;

/// <summary>One MariaDB global transaction id: domain-server-sequence, e.g. <c>0-1-42</c>.</summary>
public readonly record struct Gtid(uint Domain, uint ServerId, ulong Sequence)
{
    public static Gtid Parse(string text)
    {
        if (!TryParse(text, out var gtid))
        {
            throw new FormatException($"'{text}' is not a MariaDB GTID (expected domain-server-sequence, e.g. 0-1-42).");
        }
        return gtid;
    }

    public static bool TryParse(string text, out Gtid gtid)
    {
        gtid = default;
        var parts = text.Trim().Split('-');
        if (parts.Length != 3
            || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain)
            || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server)
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }
        gtid = new Gtid(domain, server, seq);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Domain}-{ServerId}-{Sequence}");
}
