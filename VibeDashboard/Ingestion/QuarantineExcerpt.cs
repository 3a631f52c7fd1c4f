using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace VibeDashboard.Ingestion;

/// <summary>
/// A quarantined row as a short JSON object (column → value), at most about 1 KB however wide or long the row:
/// enough to find it in the export, never a copy of it. Control characters are escaped by the JSON encoder, lone
/// surrogates become U+FFFD, blobs are shown by length.
/// </summary>
internal static class QuarantineExcerpt
{
    public const int MaxChars = 1024;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static string For(IReadOnlyList<string> columns, IReadOnlyList<object?> values)
    {
        // Shorten every string until the whole fits; a row with thousands of columns is cut after the first ones.
        foreach (var keep in (int[])[200, 64, 16])
        {
            var json = Serialize(columns, values, keep, int.MaxValue);
            if (json.Length <= MaxChars)
            {
                return json;
            }
        }

        for (var count = Math.Min(columns.Count, values.Count); count > 0; count /= 2)
        {
            var json = Serialize(columns, values, 16, count);
            if (json.Length <= MaxChars)
            {
                return json;
            }
        }

        return "{}";
    }

    private static string Serialize(IReadOnlyList<string> columns, IReadOnlyList<object?> values, int keepChars, int maxColumns)
    {
        var excerpt = new Dictionary<string, object?>(StringComparer.Ordinal);
        var count = Math.Min(columns.Count, values.Count);
        for (var i = 0; i < count && i < maxColumns; i++)
        {
            excerpt.TryAdd(Sanitize(Cut(columns[i], 64)), values[i] switch
            {
                null => null,
                string s => Sanitize(Cut(s, keepChars)),
                byte[] b => $"<blob, {b.Length.ToString(CultureInfo.InvariantCulture)} bytes>",
                double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
                double d => d,
                long l => l,
                var other => Sanitize(Cut(Convert.ToString(other, CultureInfo.InvariantCulture) ?? "", keepChars)),
            });
        }

        if (count > maxColumns)
        {
            excerpt["…"] = $"{(count - maxColumns).ToString(CultureInfo.InvariantCulture)} more columns";
        }

        return JsonSerializer.Serialize(excerpt, Json);
    }

    private static string Cut(string s, int keep) => s.Length <= keep ? s : s[..keep] + "…";

    /// <summary>Replaces unpaired surrogates (which JSON and UTF-8 cannot carry) with U+FFFD.</summary>
    private static string Sanitize(string s)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
            if (char.IsSurrogate(c) && !paired)
            {
                sb ??= new StringBuilder(s, 0, i, s.Length);
                sb.Append('\uFFFD');
                continue;
            }

            sb?.Append(c);
            if (paired)
            {
                sb?.Append(s[i + 1]);
                i++;
            }
        }

        return sb?.ToString() ?? s;
    }
}
