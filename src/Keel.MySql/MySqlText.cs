using System.Text;

namespace Keel.MySql;

/// <summary>SQL text helpers for the few statements that cannot use parameters (the text protocol has none).</summary>
public static class MySqlText
{
    /// <summary>
    /// A single-quoted string literal. Quotes are doubled rather than backslash-escaped so that the
    /// literal can never be terminated early, even on a server with NO_BACKSLASH_ESCAPES (where the
    /// backslash escapes below merely become visible characters instead of opening an injection).
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\'': sb.Append("''"); break;
                case '\\': sb.Append(@"\\"); break;
                case '\0': sb.Append(@"\0"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\x1a': sb.Append(@"\Z"); break; // Ctrl-Z ends input on Windows clients; mysql_real_escape_string escapes it too
                default: sb.Append(c); break;
            }
        }

        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>A backquoted identifier (schema, table, column), backquotes inside doubled.</summary>
    public static string Identifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
    }
}
