using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Bench.Clone;

/// <summary>What a joiner's agent says about a finished clone: the stream ("received …") and the whole clone ("cloned …").</summary>
public static partial class CloneLogLines
{
    /// <summary>"received 2371.2 MB from m2 in 8.1 s; preparing the copy": bytes and seconds of the stream alone.</summary>
    public static (long Bytes, TimeSpan Took, string Donor)? Received(string text) =>
        ReceivedPattern().Match(text) is { Success: true } m ? (Bytes(m.Groups[1].Value), Seconds(m.Groups[3].Value), m.Groups[2].Value) : null;

    /// <summary>"cloned 2371.2 MB from m2 in 20.4 s (…)": the clone from its first byte to a started server.</summary>
    public static (long Bytes, TimeSpan Took, string Donor)? Cloned(string text) =>
        ClonedPattern().Match(text) is { Success: true } m ? (Bytes(m.Groups[1].Value), Seconds(m.Groups[3].Value), m.Groups[2].Value) : null;

    private static long Bytes(string mb) => (long)(double.Parse(mb, CultureInfo.InvariantCulture) * 1e6);

    private static TimeSpan Seconds(string s) => TimeSpan.FromSeconds(double.Parse(s, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^received ([0-9.]+) MB from (\S+) in ([0-9.]+) s")]
    private static partial Regex ReceivedPattern();

    [GeneratedRegex(@"^cloned ([0-9.]+) MB from (\S+) in ([0-9.]+) s")]
    private static partial Regex ClonedPattern();
}
