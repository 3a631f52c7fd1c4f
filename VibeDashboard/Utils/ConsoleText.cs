using System.Globalization;
using System.Text;

namespace VibeDashboard.Utils;

/// <summary>
/// Makes text from an export (table names, file names, error messages) safe to print on a terminal: an export is
/// untrusted, and a table named with ANSI escapes could otherwise recolour, move the cursor, rewrite earlier lines
/// (<c>\r</c>) or reorder what is shown (bidi overrides). Such characters are shown as <c>\u001b</c>-style escapes,
/// so the text stays on one line and readable.
/// </summary>
public static class ConsoleText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var firstUnsafe = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text, i))
            {
                firstUnsafe = i;
                break;
            }
        }

        if (firstUnsafe < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, firstUnsafe);
        for (var i = firstUnsafe; i < text.Length; i++)
        {
            if (IsUnsafe(text, i))
            {
                builder.Append("\\u").Append(((int)text[i]).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsUnsafe(string text, int i)
    {
        var c = text[i];
        return c switch
        {
            // C0 controls (tab included: it moves the cursor too), DEL and the C1 controls (U+0080–U+009F, CSI among them).
            < ' ' or '\u007f' or (>= '\u0080' and <= '\u009f') => true,
            // Bidi embeddings, overrides and isolates, marks, and line/paragraph separators.
            '\u061c' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') => true,
            '\u2028' or '\u2029' => true,
            // A lone surrogate cannot be encoded for the terminal.
            _ when char.IsHighSurrogate(c) => i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]),
            _ when char.IsLowSurrogate(c) => i == 0 || !char.IsHighSurrogate(text[i - 1]),
            _ => false,
        };
    }
}
