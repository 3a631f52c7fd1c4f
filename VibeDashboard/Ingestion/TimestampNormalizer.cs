using System.Globalization;

namespace VibeDashboard.Ingestion;

/// <summary>
/// VibeSDK writes unix seconds, but every timestamp column defaults to CURRENT_TIMESTAMP, so text
/// 'YYYY-MM-DD HH:MM:SS' (UTC) sits in the same column; other producers write unix milliseconds. Every
/// timestamp is turned into UTC unix milliseconds once, here, so nothing downstream compares raw values.
/// The result is always an exact instant between the years 1 and 9999 or a <see cref="FormatException"/>:
/// nothing saturates, overflows or is guessed from ambiguous text.
/// </summary>
public static partial class TimestampNormalizer
{
    // 1e11 seconds is the year 5138 and 1e11 milliseconds is March 1973: everything below is seconds.
    private const long SecondsBelow = 100_000_000_000L;

    // What a DateTimeOffset can represent: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
    private static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    // SQLite's datetime text, without a zone: UTC by definition.
    private static readonly string[] UtcFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm",
    ];

    // ISO 8601 with an explicit zone: Z or ±hh:mm.
    private static readonly string[] ZonedFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm'Z'",
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd HH:mm:ss'Z'", "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd HH:mm'Z'",
        "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mmzzz",
    ];

    /// <summary>Columns holding instants: <c>*_at</c>, plus VibeSDK's <c>last_activity</c>, <c>expires</c>, <c>timestamp</c>.</summary>
    public static bool IsTimestampColumn(string column) =>
        column.EndsWith("_at", StringComparison.OrdinalIgnoreCase)
        || column.Equals("last_activity", StringComparison.OrdinalIgnoreCase)
        || column.Equals("expires", StringComparison.OrdinalIgnoreCase)
        || column.Equals("timestamp", StringComparison.OrdinalIgnoreCase);

    /// <summary>Normalises one value; null for NULL or ''. Throws <see cref="FormatException"/> for anything that is not an instant.</summary>
    public static long? ToUnixMs(object? value) => value switch
    {
        null => null,
        long l => FromNumber(l),
        double d => FromNumber(d),
        string s => FromText(s),
        _ => throw new FormatException($"a {value.GetType().Name} value is not a timestamp"),
    };

    // Range comparisons, never Math.Abs: Math.Abs(long.MinValue) overflows.
    private static long FromNumber(long value) =>
        InRange(value is > -SecondsBelow and < SecondsBelow ? value * 1000L : value, value);

    private static long FromNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw OutOfRange(value.ToString(CultureInfo.InvariantCulture));
        }

        var ms = Math.Round(value is > -SecondsBelow and < SecondsBelow ? value * 1000d : value);
        // Compared as doubles before the cast: a cast of a double beyond 2^63 saturates silently.
        if (ms < MinMs || ms > MaxMs)
        {
            throw OutOfRange(value.ToString("R", CultureInfo.InvariantCulture));
        }

        return (long)ms;
    }

    private static long InRange(long ms, long original) =>
        ms >= MinMs && ms <= MaxMs ? ms : throw OutOfRange(original.ToString(CultureInfo.InvariantCulture));

    private static FormatException OutOfRange(string value) =>
        new($"'{Truncate(value)}' is outside the range of timestamps (years 1 to 9999 as unix seconds or milliseconds)");

    private static long? FromText(string text)
    {
        var s = text.Trim();
        if (s.Length == 0)
        {
            return null;
        }

        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return FromNumber(integer);
        }

        // Only digits, sign, point and exponent: "Infinity", "NaN" and thousands separators are not numbers here.
        if (s.AsSpan().IndexOfAnyExcept("0123456789+-.eE") < 0
            && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return FromNumber(real);
        }

        // RFC 3339 as Go and others write it (nanoseconds: 9 fractional digits) and ISO's basic offset (+0000) are
        // exact too; .NET's formats stop at 7 digits and want +00:00, and sub-100 ns precision is below a millisecond.
        if (s.Length > 27 || (s.Length > 19 && s[^5] is '+' or '-'))
        {
            s = IsoVariants().Replace(s, m => m.Groups["frac"].Success ? m.Groups["frac"].Value : $"{m.Groups["h"].Value}:{m.Groups["m"].Value}");
        }

        if (DateTime.TryParseExact(s, UtcFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            return new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();
        }

        if (DateTimeOffset.TryParseExact(s, ZonedFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var offset))
        {
            return offset.ToUnixTimeMilliseconds();
        }

        throw new FormatException($"'{Truncate(s)}' is ambiguous or not a timestamp (unix seconds, unix milliseconds, a SQLite datetime or ISO 8601 with a zone)");
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=:\d{2})(?<frac>\.\d{7})\d{1,2}(?=$|Z|[+-])|(?<=:\d{2}(?:\.\d{1,9})?)(?<h>[+-]\d{2})(?<m>\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex IsoVariants();
}
