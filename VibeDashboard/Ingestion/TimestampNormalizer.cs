using System.Globalization;

namespace VibeDashboard.Ingestion;

/// <summary>
/// VibeSDK writes unix seconds, but every timestamp column defaults to CURRENT_TIMESTAMP, so text
/// 'YYYY-MM-DD HH:MM:SS' (UTC) sits in the same column; other producers write unix milliseconds. Every
/// timestamp is turned into UTC unix milliseconds once, here, so nothing downstream compares raw values.
/// </summary>
public static class TimestampNormalizer
{
    // 1e11 seconds is the year 5138 and 1e11 milliseconds is March 1973: everything below is seconds.
    private const double SecondsBelow = 100_000_000_000d;

    private static readonly string[] TextFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm",
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
        double d when double.IsFinite(d) => FromNumber(d),
        string s => FromText(s),
        _ => throw new FormatException($"'{value}' is not a timestamp"),
    };

    private static long FromNumber(double value) =>
        Math.Abs(value) < SecondsBelow ? (long)Math.Round(value * 1000d) : (long)Math.Round(value);

    private static long FromNumber(long value) =>
        Math.Abs(value) < (long)SecondsBelow ? value * 1000L : value;

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

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return FromNumber(real);
        }

        // SQLite text datetimes carry no zone and are UTC by definition.
        if (DateTime.TryParseExact(s, TextFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            return new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();
        }

        // ISO 8601 with an explicit zone (Z or +02:00).
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var offset))
        {
            return offset.ToUnixTimeMilliseconds();
        }

        throw new FormatException($"'{Truncate(s)}' is not a timestamp (unix seconds, unix milliseconds or a SQLite datetime)");
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
