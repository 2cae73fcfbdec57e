using System.Text;

namespace Keel.Bench.Reports;

/// <summary>File-name-safe forms of case names ("Primary crash (kill -9)" → "primary-crash-kill-9").</summary>
public static class Slug
{
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // ASCII only: the names end up in URLs and on file systems we do not control.
            if (char.IsAsciiLetterOrDigit(c))
                sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0 && sb[^1] != '-')
                sb.Append('-');
        }
        var slug = sb.ToString().TrimEnd('-');
        return slug.Length == 0 ? "case" : slug;
    }
}
