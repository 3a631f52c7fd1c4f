using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Review;

/// <summary>
/// A calendar month in UTC, the unit of the monthly review (<c>/review/{yyyy-MM}</c>). Its instants are half-open:
/// [the first at 00:00:00.000, the next month's first at 00:00:00.000), so an event at 23:59:59.999 on the last day
/// belongs to it and one at midnight after does not. On the wire it is its <c>yyyy-MM</c> text.
/// </summary>
[JsonConverter(typeof(ReviewMonthJsonConverter))]
public readonly record struct ReviewMonth : IComparable<ReviewMonth>
{
    /// <summary>The earliest and latest months accepted: the store's timestamps are sane within them, and a typo like 0226 is refused.</summary>
    public const int MinYear = 2000;

    public const int MaxYear = 2199;

    public ReviewMonth(int year, int month)
    {
        if (year is < MinYear or > MaxYear)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, $"the year must be {MinYear}–{MaxYear}");
        }

        if (month is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(month), month, "the month must be 1–12");
        }

        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    /// <summary>The first instant of the month (inclusive).</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first instant of the next month (exclusive).</summary>
    public DateTimeOffset End => Start.AddMonths(1);

    public long StartMs => Start.ToUnixTimeMilliseconds();

    public long EndMs => End.ToUnixTimeMilliseconds();

    public int Days => DateTime.DaysInMonth(Year, Month);

    public ReviewMonth Previous => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);

    public ReviewMonth Next => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    /// <summary>The month an instant falls in (UTC).</summary>
    public static ReviewMonth Of(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new(utc.Year, utc.Month);
    }

    /// <summary>The default review: the last calendar month that has ended at <paramref name="now"/>.</summary>
    public static ReviewMonth LastComplete(DateTimeOffset now) => Of(now).Previous;

    /// <summary>The month in progress at <paramref name="now"/> (the review's partial, month-to-date variant).</summary>
    public static ReviewMonth Current(DateTimeOffset now) => Of(now);

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    /// <summary>
    /// Parses exactly <c>yyyy-MM</c> (four digits, a hyphen, two digits; no spaces, no day, no other separator).
    /// The error names the value and the expected form, for a 400 that says what was wrong.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ReviewMonth month, [NotNullWhen(false)] out string? error)
    {
        month = default;
        if (text is null || text.Length != 7 || text[4] != '-' || !AllDigits(text.AsSpan(0, 4)) || !AllDigits(text.AsSpan(5, 2)))
        {
            error = $"'{Printable(text)}' is not a month: expected yyyy-MM, e.g. 2026-11";
            return false;
        }

        var year = int.Parse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        var number = int.Parse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture);
        if (number is < 1 or > 12)
        {
            error = $"'{text}' is not a month: the month must be 01–12";
            return false;
        }

        if (year is < MinYear or > MaxYear)
        {
            error = $"'{text}' is not a month the review covers: the year must be {MinYear}–{MaxYear}";
            return false;
        }

        month = new(year, number);
        error = null;
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing a <see cref="FormatException"/> with the same message.</summary>
    public static ReviewMonth Parse(string? text) =>
        TryParse(text, out var month, out var error) ? month : throw new FormatException(error);

    public int CompareTo(ReviewMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    public static bool operator <(ReviewMonth left, ReviewMonth right) => left.CompareTo(right) < 0;

    public static bool operator >(ReviewMonth left, ReviewMonth right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReviewMonth left, ReviewMonth right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReviewMonth left, ReviewMonth right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Year:D4}-{Month:D2}";

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    // The value is quoted back in an error page or log: control characters and an endless string must not go with it.
    private static string Printable(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var clean = new string(text.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return text.Length > 40 ? clean + "…" : clean;
    }
}

public sealed class ReviewMonthJsonConverter : JsonConverter<ReviewMonth>
{
    public override ReviewMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReviewMonth.TryParse(reader.GetString(), out var month, out var error) ? month : throw new JsonException(error);

    public override void Write(Utf8JsonWriter writer, ReviewMonth value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
