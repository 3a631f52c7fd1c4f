using System.Text;

namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>
/// Incident keys from names an export holds (providers, migrations): an odd name never makes a signal invisible, it
/// is keyed by a form a person can read and the store can hold — its printable characters (control characters and
/// unpaired surrogates dropped, outer white space trimmed), cut to a bound with "…" after the cut, as the aggregator
/// shows long names. A name with nothing printable left is <see cref="Unknown"/>.
/// </summary>
public static class DetectionKeys
{
    /// <summary>The key of a migration event whose name is missing or unreadable (and of a provider with no printable character).</summary>
    public const string Unknown = "(unknown)";

    public const int MaxProviderLength = 64;

    public const int MaxMigrationLength = 200;

    /// <summary>Characters of the raw attributes an evidence quotes.</summary>
    public const int MaxExcerptLength = 120;

    /// <summary>The key for <paramref name="raw"/>: itself when it is already a clean name of at most <paramref name="max"/> characters.</summary>
    public static string Key(string? raw, int max)
    {
        if (raw is null)
        {
            return Unknown;
        }

        if (DetectionReader.IsName(raw, max) && raw.Trim().Length == raw.Length && !HasLoneSurrogate(raw))
        {
            return raw;
        }

        var text = Printable(raw);
        if (text.Length == 0)
        {
            return Unknown;
        }

        if (text.Length <= max)
        {
            return text;
        }

        var cut = max;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--; // never split a pair
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }

    /// <summary>A short excerpt of <paramref name="raw"/> safe to show and store: escaped as a JSON string body, cut with "…".</summary>
    public static string Excerpt(string? raw)
    {
        if (raw is null)
        {
            return "null";
        }

        var cut = raw.Length > MaxExcerptLength ? raw[..MaxExcerptLength] : raw;
        var escaped = new StringBuilder(cut.Length + 8);
        for (var i = 0; i < cut.Length; i++)
        {
            var c = cut[i];
            if (char.IsHighSurrogate(c) && i + 1 < cut.Length && char.IsLowSurrogate(cut[i + 1]))
            {
                escaped.Append(c).Append(cut[++i]);
            }
            else if (c == '\\')
            {
                escaped.Append(@"\\");
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                escaped.Append(c switch { '\n' => @"\n", '\r' => @"\r", '\t' => @"\t", _ => $"\\u{(int)c:x4}" });
            }
            else
            {
                escaped.Append(c);
            }
        }

        return raw.Length > MaxExcerptLength ? escaped.Append('…').ToString() : escaped.ToString();
    }

    private static string Printable(string raw) =>
        new string(raw.Where((c, i) => !char.IsControl(c) && (!char.IsSurrogate(c) || PairAt(raw, i))).ToArray()).Trim();

    private static bool PairAt(string s, int i) =>
        (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        || (char.IsLowSurrogate(s[i]) && i > 0 && char.IsHighSurrogate(s[i - 1]));

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsSurrogate(s[i]) && !PairAt(s, i))
            {
                return true;
            }
        }

        return false;
    }
}
