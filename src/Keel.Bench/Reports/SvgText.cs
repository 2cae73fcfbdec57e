using System.Globalization;
using System.Text;
using System.Xml;

namespace Keel.Bench.Reports;

/// <summary>Text and numbers as they may appear inside SVG markup.</summary>
internal static class SvgText
{
    /// <summary>
    /// Escapes for both element text and attribute values. Characters XML 1.0 cannot carry at all (control
    /// characters from a captured error message, say) become U+FFFD rather than making the file unreadable.
    /// </summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                        sb.Append(c).Append(text[++i]);
                    else if (XmlConvert.IsXmlChar(c))
                        sb.Append(c);
                    else
                        sb.Append('\uFFFD');
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A coordinate: two decimals are finer than any screen, and keep the file small.</summary>
    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
